import { APIConnectionError, APIError, APIUserAbortError, OpenAI } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { simulatedAnswer } from './answer';
import { startDeepSeekSimulator, type DeepSeekSimulator } from './server';
import type { Transcript } from './transcripts';

let sim: DeepSeekSimulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startDeepSeekSimulator({ tokensPerSecond: 1000, firstTokenDelayMs: 0 });
  client = new OpenAI({ apiKey: 'sim', baseURL: sim.url, maxRetries: 0 });
});

afterAll(async () => {
  await sim.close();
});

const openStream = (content: string, signal?: AbortSignal) =>
  client.chat.completions.create(
    {
      model: 'deepseek-chat',
      messages: [{ role: 'user', content }],
      stream: true,
      stream_options: { include_usage: true },
    },
    { signal },
  );

/** Reads the whole stream, keeping the chunks that arrived before any error. */
async function drain(content: string) {
  const chunks: ChatCompletionChunk[] = [];
  let error: unknown = null;
  try {
    for await (const chunk of await openStream(content)) chunks.push(chunk);
  } catch (e) {
    error = e;
  }
  const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
  const finishes = chunks.flatMap((c) => c.choices.map((ch) => ch.finish_reason)).filter((f) => f !== null);
  return { chunks, error, text, finishes };
}

const transcriptOf = (message: string): Transcript | undefined =>
  sim.transcripts().find((t) => t.lastUserMessage === message);

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('status faults', () => {
  it.each([
    [400, 'invalid_request_error'],
    [401, 'authentication_error'],
    [402, 'insufficient_quota'],
    [422, 'invalid_request_error'],
    [429, 'rate_limit_error'],
    [500, 'api_error'],
    [503, 'api_error'],
  ])('status=%i reaches the SDK as an APIError with that status', async (status, type) => {
    const message = `失败 [[sim:status=${status}]]`;
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await openStream(message).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIError);
      expect((error as APIError).status).toBe(status);
      expect((error as APIError).type).toBe(type);
    }
    expect(sim.transcripts().filter((t) => t.lastUserMessage === message).map((t) => t.status)).toEqual([status, status]);
  });

  it('status=CODE,times=N fails the first N requests for that message, then succeeds', async () => {
    const message = `重试 [[sim:status=503,times=2]] ${Date.now()}`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const error = await openStream(message).catch((e: unknown) => e);
      statuses.push(error instanceof APIError ? (error.status ?? -1) : 200);
    }
    expect(statuses).toEqual([503, 503, 200]);
    expect((await drain(message)).text).toBe(simulatedAnswer(message).content.join(''));
  });
});

describe('stream faults', () => {
  it('cut=N: the SDK iteration throws after exactly N tokens, without finish_reason', async () => {
    const message = '中途断开 [[sim:cut=3]]';
    const { error, text, finishes, chunks } = await drain(message);
    // The SDK surfaces the destroyed socket as undici's TypeError "terminated" (from Node's
    // own realm, so compared by name: jest's global TypeError is a different constructor).
    expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
    expect(text).toBe(simulatedAnswer(message).content.slice(0, 3).join(''));
    expect(finishes).toEqual([]);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(transcriptOf(message)).toMatchObject({ content: text, completed: false, aborted: false, finishReason: null });
  });

  it('cut=0 in thinking mode sends all reasoning, then cuts before any content', async () => {
    const message = '思考后断开 [[sim:cut=0]]';
    const stream = await client.chat.completions.create({
      model: 'deepseek-reasoner',
      messages: [{ role: 'user', content: message }],
      stream: true,
    });
    let reasoning = '';
    const error = await (async () => {
      for await (const chunk of stream) {
        reasoning += (chunk.choices[0]?.delta as { reasoning_content?: string }).reasoning_content ?? '';
      }
    })().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TypeError', message: 'terminated' });
    expect(reasoning).toBe(simulatedAnswer(message, { thinking: true }).reasoning.join(''));
    expect(transcriptOf(message)?.content).toBe('');
  });

  it('end=N: the stream ends cleanly after N tokens with no finish_reason and no usage', async () => {
    const message = '提前结束 [[sim:end=4]]';
    const { error, text, finishes, chunks } = await drain(message);
    expect(error).toBeNull();
    expect(text).toBe(simulatedAnswer(message).content.slice(0, 4).join(''));
    expect(finishes).toEqual([]);
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(transcriptOf(message)).toMatchObject({ completed: false, aborted: false, finishReason: null });
  });

  it('keepalive=MS: comments first, the first token only after about MS', async () => {
    const message = '排队中 [[sim:keepalive=400]]';
    const started = performance.now();
    let firstToken = Number.NaN;
    for await (const chunk of await openStream(message)) {
      if (chunk.choices[0]?.delta.content && Number.isNaN(firstToken)) firstToken = performance.now() - started;
    }
    expect(firstToken).toBeGreaterThanOrEqual(390);
    const raw = await fetch(`${sim.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sim', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'deepseek-chat', stream: true, messages: [{ role: 'user', content: message }] }),
    }).then((res) => res.text());
    const beforeData = raw.slice(0, raw.indexOf('data: '));
    expect(beforeData.split(': keep-alive\n\n').length - 1).toBeGreaterThanOrEqual(3);
    expect(raw.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('hang: headers then silence until the client aborts; the transcript says aborted', async () => {
    const message = `挂起 [[sim:hang]] ${Date.now()}`;
    const controller = new AbortController();
    const stream = await openStream(message, controller.signal);
    setTimeout(() => controller.abort(), 150);
    const chunks: ChatCompletionChunk[] = [];
    // This SDK version ends the iteration quietly when the caller aborts.
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toEqual([]);
    await waitFor(() => transcriptOf(message)?.aborted === true);
    expect(transcriptOf(message)).toMatchObject({ tokens: [], completed: false, aborted: true });
  });

  it('tokens/tps/delay directives set length and pace', async () => {
    const message = '慢速 [[sim:tokens=5]][[sim:tps=40,delay=100]]';
    const started = performance.now();
    const { text } = await drain(message);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100 + 4 * 25 - 10);
    expect(text).toBe(simulatedAnswer(message, { answerTokens: 5 }).content.join(''));
    const sentAt = transcriptOf(message)?.tokens.map((t) => t.sentAt) ?? [];
    expect(sentAt).toHaveLength(5);
    // 4 × 25 ms between first and last, minus tolerance for a late first timer.
    expect((sentAt[4] as number) - (sentAt[0] as number)).toBeGreaterThanOrEqual(75);
  });
});

describe('faults without streaming', () => {
  const create = (content: string, signal?: AbortSignal) =>
    client.chat.completions.create({ model: 'deepseek-chat', messages: [{ role: 'user', content }] }, { signal });

  it('hang is ended by an AbortController (APIUserAbortError)', async () => {
    const message = `非流挂起 [[sim:hang]] ${Date.now()}`;
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect(await create(message, controller.signal).catch((e: unknown) => e)).toBeInstanceOf(APIUserAbortError);
    await waitFor(() => transcriptOf(message)?.aborted === true);
  });

  it('cut drops the connection (APIConnectionError)', async () => {
    expect(await create('非流断开 [[sim:cut=1]]').catch((e: unknown) => e)).toBeInstanceOf(APIConnectionError);
  });

  it('end answers 200 with an empty body, which this SDK version resolves to undefined', async () => {
    expect(await create('非流空体 [[sim:end=1]]')).toBeUndefined();
  });
});

describe('close()', () => {
  it('ends hanging streams promptly and can be called twice', async () => {
    const own = await startDeepSeekSimulator({ firstTokenDelayMs: 0 });
    const ownClient = new OpenAI({ apiKey: 'sim', baseURL: own.url, maxRetries: 0 });
    const stream = await ownClient.chat.completions.create({
      model: 'deepseek-chat',
      messages: [{ role: 'user', content: '关闭时挂起 [[sim:hang]]' }],
      stream: true,
    });
    const reading = (async () => {
      for await (const chunk of stream) void chunk;
    })().then(
      () => 'ended',
      (e: unknown) => `threw ${(e as Error).message}`,
    );
    // The stream hangs forever: close() returning at all shows it does not wait for it.
    await Promise.all([own.close(), own.close()]);
    await own.close();
    expect(await reading).toBe('threw terminated');
    expect(own.transcripts()[0]).toMatchObject({ completed: false, aborted: false });
  });
});
