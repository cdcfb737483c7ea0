import { APIError, OpenAI } from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { simulatedAnswer } from './answer';
import { startDeepSeekSimulator, type DeepSeekSimulator, requestedHeadings } from './server';

/** DeepSeek's extra delta field, absent from the SDK's types. */
type Delta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string | null };

let sim: DeepSeekSimulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startDeepSeekSimulator({ tokensPerSecond: 1000, firstTokenDelayMs: 0 });
  client = new OpenAI({ apiKey: 'sim', baseURL: sim.url, maxRetries: 0 });
});

afterAll(async () => {
  await sim.close();
});

async function streamChunks(params: Partial<ChatCompletionCreateParamsStreaming> & { content: string }) {
  const { content, ...rest } = params;
  const stream = await client.chat.completions.create({
    model: 'deepseek-chat',
    messages: [{ role: 'user', content }],
    stream: true,
    stream_options: { include_usage: true },
    ...rest,
  } as ChatCompletionCreateParamsStreaming);
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

const deltas = (chunks: ChatCompletionChunk[]) => chunks.flatMap((c) => c.choices.map((choice) => choice.delta as Delta));
const contentTokens = (chunks: ChatCompletionChunk[]) =>
  deltas(chunks).flatMap((d) => (d.content ? [d.content] : []));

describe('streaming through the openai SDK', () => {
  it('delivers exactly the predicted tokens, matching the transcript', async () => {
    const message = '我最近总是失眠，半夜 3 点醒来怎么办？';
    const chunks = await streamChunks({ content: message });
    const expected = simulatedAnswer(message).content;

    expect(contentTokens(chunks)).toEqual(expected);
    const transcript = sim.transcripts().find((t) => t.lastUserMessage === message);
    expect(transcript).toMatchObject({ status: 200, completed: true, aborted: false, finishReason: 'stop' });
    expect(transcript?.content).toBe(expected.join(''));
    expect(transcript?.tokens.map((t) => t.text)).toEqual(expected);
    expect(chunks.every((c) => c.id === transcript?.id && c.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]?.system_fingerprint).toBe('fp_sim');
  });

  it('starts with the assistant role and has exactly one finish_reason, on the last content chunk', async () => {
    const chunks = await streamChunks({ content: '运动后膝盖疼' });
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '' });
    const withChoices = chunks.filter((c) => c.choices.length > 0);
    const finishes = withChoices.filter((c) => c.choices[0]?.finish_reason !== null);
    expect(finishes).toHaveLength(1);
    expect(finishes[0]?.choices[0]?.finish_reason).toBe('stop');
    expect(finishes[0]).toBe(withChoices[withChoices.length - 1]);
    expect(finishes[0]?.choices[0]?.delta.content).toBe(simulatedAnswer('运动后膝盖疼').content.at(-1));
  });

  it('ends with a usage chunk whose completion_tokens equals the tokens sent', async () => {
    const chunks = await streamChunks({ content: '每天喝多少水合适' });
    const last = chunks[chunks.length - 1];
    expect(last?.choices).toEqual([]);
    const usage = last?.usage as unknown as Record<string, number>;
    expect(usage.completion_tokens).toBe(contentTokens(chunks).length);
    expect(usage.total_tokens).toBe((usage.prompt_tokens ?? NaN) + (usage.completion_tokens ?? NaN));
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.prompt_cache_hit_tokens).toBe(0);
    expect(usage.prompt_cache_miss_tokens).toBe(usage.prompt_tokens);
    expect(chunks.filter((c) => c.usage)).toHaveLength(1);
  });

  it('sends no usage chunk unless include_usage is set', async () => {
    const chunks = await streamChunks({ content: '不要用量', stream_options: undefined });
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
  });

  it.each([
    ['thinking: enabled', { thinking: { type: 'enabled' } }],
    ['deepseek-reasoner', { model: 'deepseek-reasoner' }],
  ])('streams reasoning_content before content, never mixed (%s)', async (_name, extra) => {
    const message = `头痛三天了 ${_name}`;
    const chunks = await streamChunks({ content: message, ...extra } as never);
    const expected = simulatedAnswer(message, { thinking: true });
    const kinds = deltas(chunks).flatMap((d) => {
      expect(Boolean(d.content) && Boolean(d.reasoning_content)).toBe(false);
      return d.reasoning_content ? ['r'] : d.content ? ['c'] : [];
    });
    expect(kinds.join('')).toBe('r'.repeat(expected.reasoning.length) + 'c'.repeat(expected.content.length));
    expect(deltas(chunks).flatMap((d) => (d.reasoning_content ? [d.reasoning_content] : []))).toEqual(expected.reasoning);
    expect(contentTokens(chunks)).toEqual(expected.content);
    const usage = chunks[chunks.length - 1]?.usage;
    expect(usage?.completion_tokens).toBe(expected.reasoning.length + expected.content.length);
    const transcript = sim.transcripts().find((t) => t.lastUserMessage === message);
    expect(transcript).toMatchObject({ thinking: true, reasoning: expected.reasoning.join('') });
  });

  it('truncates to max_tokens with finish_reason "length"', async () => {
    const chunks = await streamChunks({ content: '限制长度', max_tokens: 10 });
    expect(contentTokens(chunks)).toEqual(simulatedAnswer('限制长度').content.slice(0, 10));
    const finishes = chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f !== null);
    expect(finishes).toEqual(['length']);
  });

  it('gives the same answer to the same message', async () => {
    const first = contentTokens(await streamChunks({ content: '重复的问题' }));
    const second = contentTokens(await streamChunks({ content: '重复的问题' }));
    expect(second).toEqual(first);
  });

  it('also serves /v1/chat/completions', async () => {
    const v1 = new OpenAI({ apiKey: 'sim', baseURL: `${sim.url}/v1`, maxRetries: 0 });
    const stream = await v1.chat.completions.create({
      model: 'deepseek-chat',
      messages: [{ role: 'user', content: 'v1 路径' }],
      stream: true,
    });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe(simulatedAnswer('v1 路径').content.join(''));
  });
});

describe('per-request overrides', () => {
  it('x-sim-answer-tokens sets the answer length', async () => {
    const stream = await client.chat.completions.create(
      { model: 'deepseek-chat', messages: [{ role: 'user', content: '短一点' }], stream: true },
      { headers: { 'x-sim-answer-tokens': '7' } },
    );
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(contentTokens(chunks)).toEqual(simulatedAnswer('短一点', { answerTokens: 7 }).content);
  });

  it('x-sim-first-token-delay-ms and x-sim-tokens-per-second set the pace', async () => {
    const started = performance.now();
    const stream = await client.chat.completions.create(
      { model: 'deepseek-chat', messages: [{ role: 'user', content: '慢一点' }], stream: true },
      { headers: { 'x-sim-first-token-delay-ms': '150', 'x-sim-tokens-per-second': '50', 'x-sim-answer-tokens': '6' } },
    );
    const arrivals: number[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) arrivals.push(performance.now() - started);
    expect(arrivals).toHaveLength(6);
    expect(arrivals[0]).toBeGreaterThanOrEqual(145);
    // Six tokens at 50/s: the last is due 150 + 5 × 20 ms after the request (at the test server's
    // 1,000/s it would come at ~155 ms). A busy machine only makes tokens later, never earlier
    // (the schedule does not shift), so this holds however loaded the machine is.
    expect(arrivals[5]).toBeGreaterThanOrEqual(245);
    const sent = sim.transcripts().find((t) => t.lastUserMessage === '慢一点')?.tokens.map((t) => t.sentAt) ?? [];
    expect((sent[5] as number) - (performance.timeOrigin + started)).toBeGreaterThanOrEqual(245);
  });
});

describe('non-streaming', () => {
  it('returns a chat.completion with message, finish_reason and usage', async () => {
    const completion = await client.chat.completions.create({
      model: 'deepseek-chat',
      messages: [
        { role: 'system', content: '你是健康助手' },
        { role: 'user', content: '怎样缓解久坐腰疼' },
      ],
    });
    const expected = simulatedAnswer('怎样缓解久坐腰疼').content;
    expect(completion).toMatchObject({ object: 'chat.completion', model: 'deepseek-chat', system_fingerprint: 'fp_sim' });
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]).toMatchObject({
      index: 0,
      finish_reason: 'stop',
      message: { role: 'assistant', content: expected.join('') },
    });
    expect(completion.usage).toMatchObject({ completion_tokens: expected.length, prompt_cache_hit_tokens: 0 });
    expect(completion.usage?.total_tokens).toBe((completion.usage?.prompt_tokens ?? NaN) + expected.length);
  });

  it('includes reasoning_content for deepseek-reasoner', async () => {
    const completion = await client.chat.completions.create({
      model: 'deepseek-reasoner',
      messages: [{ role: 'user', content: '感冒了能运动吗' }],
    });
    const expected = simulatedAnswer('感冒了能运动吗', { thinking: true });
    const message = completion.choices[0]?.message as { content: string; reasoning_content?: string };
    expect(message.reasoning_content).toBe(expected.reasoning.join(''));
    expect(message.content).toBe(expected.content.join(''));
  });
});

describe('errors and service routes', () => {
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${sim.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  const validBody = JSON.stringify({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'hi' }] });

  it('answers 401 without a bearer token', async () => {
    const variants: Record<string, string>[] = [{}, { authorization: 'Bearer ' }, { authorization: 'Basic abc' }];
    for (const headers of variants) {
      const res = await post('/chat/completions', validBody, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        error: { message: expect.any(String), type: 'authentication_error', param: null, code: 'invalid_api_key' },
      });
    }
  });

  it('answers 400 to invalid JSON and to missing model or messages', async () => {
    const auth = { authorization: 'Bearer sim' };
    for (const body of ['{"model":', JSON.stringify({ messages: [] }), JSON.stringify({ model: 'deepseek-chat' })]) {
      const res = await post('/v1/chat/completions', body, auth);
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
    }
    const sdkError = await client.chat.completions
      .create({ model: 'deepseek-chat', messages: 'nope' } as never)
      .catch((e: unknown) => e);
    expect(sdkError).toBeInstanceOf(APIError);
    expect((sdkError as APIError).status).toBe(400);
  });

  it('answers 404 JSON for unknown paths', async () => {
    const res = await fetch(`${sim.url}/completions`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('/completions');
  });

  it('serves health and transcripts over HTTP', async () => {
    expect(await (await fetch(`${sim.url}/_sim/health`)).json()).toEqual({ ok: true });
    await client.chat.completions.create({ model: 'deepseek-chat', messages: [{ role: 'user', content: '找到我 A1' }] });
    await client.chat.completions.create({ model: 'deepseek-chat', messages: [{ role: 'user', content: '别找我 B2' }] });
    const found = (await (await fetch(`${sim.url}/_sim/transcripts?contains=${encodeURIComponent('我 A1')}`)).json()) as {
      lastUserMessage: string;
      completed: boolean;
    }[];
    expect(found.map((t) => [t.lastUserMessage, t.completed])).toEqual([['找到我 A1', true]]);
    expect((await fetch(`${sim.url}/_sim/transcripts`, { method: 'DELETE' })).status).toBe(200);
    expect(await (await fetch(`${sim.url}/_sim/transcripts`)).json()).toEqual([]);
    expect(sim.transcripts()).toEqual([]);
  });
});

describe('requestedHeadings', () => {
  it('reads ### lines from system messages only', () => {
    expect(
      requestedHeadings([
        { role: 'system', content: '格式：\n### 饮食建议\n### 运动计划' },
        { role: 'user', content: '### 不算' },
      ]),
    ).toEqual(['饮食建议', '运动计划']);
  });
});
