import { createLlmStream } from './llm';
import {
  baseDeps,
  deltas,
  expectFailure,
  expectWellFormed,
  llmSettings,
  runCase,
  sim,
  tagged,
  turns,
  useGenerationTestEnv,
  waitFor,
} from './generation.fixture';

useGenerationTestEnv();

describe('provider faults', () => {
  it('HTTP 400 → UPSTREAM_REJECTED at once, no retry, partial empty', async () => {
    const message = tagged('[[sim:status=400]] 请求');
    const r = await runCase({ message });
    const data = expectFailure(r, 'UPSTREAM_REJECTED');
    expect(r.transcripts).toHaveLength(1);
    expect(deltas(r.frames, 'chat_stream')).toEqual([]);
    expect(data.partial_response).toBe('');
    expect((await turns(r.messageId)).find((t) => t.role === 'assistant')).toMatchObject({ status: 'error', content: '' });
  });

  it('HTTP 503 twice → retried invisibly before the first token, then done', async () => {
    const message = tagged('[[sim:status=503,times=2]] 请求');
    const r = await runCase({ message });
    expect(r.outcome).toBe('done');
    const data = expectWellFormed(r, 'done');
    expect(r.transcripts.map((t) => t.status)).toEqual([503, 503, 200]);
    expect(r.frames.filter((f) => f.type === 'error')).toEqual([]);
    expect(data.full_response).toBe(r.transcript?.content);
    expect(deltas(r.frames, 'chat_stream').join('')).toBe(r.transcript?.content);
  });

  it('HTTP 503 beyond the retries → UPSTREAM_UNAVAILABLE', async () => {
    const message = tagged('[[sim:status=503]] 请求');
    const r = await runCase({ message, deps: { llm: createLlmStream(llmSettings({ maxRetries: 0 })), limits: { ...baseDeps.limits, streamAttempts: 4 } } });
    expectFailure(r, 'UPSTREAM_UNAVAILABLE');
    // Four attempts of the worker (the SDK's own retries are off here), then the failure.
    expect(r.transcripts).toHaveLength(4);
  });

  it('retries never outlast the first-token deadline → UPSTREAM_TIMEOUT', async () => {
    const message = tagged('[[sim:status=503]] 一直失败');
    const r = await runCase({
      message,
      deps: { llm: createLlmStream(llmSettings({ maxRetries: 8 })), limits: { ...baseDeps.limits, firstTokenDeadlineMs: 800 } },
    });
    expectFailure(r, 'UPSTREAM_TIMEOUT');
    expect(r.elapsedMs).toBeGreaterThanOrEqual(750);
    // Eight retries with backoff would take over a minute; the deadline cuts them short.
    expect(r.transcripts.length).toBeLessThan(9);
  });

  it.each([
    ['cut', '[[sim:cut=5]]'],
    ['end', '[[sim:end=5]]'],
  ])('a stream that stops early (%s) → UPSTREAM_INTERRUPTED, the 5 tokens kept as partial, never done', async (_name, directive) => {
    const message = tagged(`${directive} 我想减肥`);
    const r = await runCase({ message });
    const data = expectFailure(r, 'UPSTREAM_INTERRUPTED');
    const sent = deltas(r.frames, 'chat_stream');
    // The provider sent 5 tokens; the ones still unread in the client's buffer when the
    // connection died are gone (web streams drop their queue on error): a prefix reaches the user.
    expect(r.transcript?.tokens).toHaveLength(5);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThanOrEqual(5);
    expect(r.transcript?.content.startsWith(sent.join(''))).toBe(true);
    expect(data.partial_response).toBe(sent.join(''));
    const assistant = (await turns(r.messageId)).find((t) => t.role === 'assistant');
    expect(assistant).toMatchObject({ status: 'error', content: sent.join('') });
  });

  it('finish_reason insufficient_system_resource → UPSTREAM_INTERRUPTED with the whole text kept, never done', async () => {
    const message = tagged('[[sim:finish=insufficient_system_resource]] 问题');
    const r = await runCase({ message });
    const data = expectFailure(r, 'UPSTREAM_INTERRUPTED');
    expect(r.transcript?.finishReason).toBe('insufficient_system_resource');
    expect(data.partial_response).toBe(r.transcript?.content);
  });

  it('finish_reason content_filter is a complete answer: done, with the reason reported', async () => {
    const message = tagged('[[sim:finish=content_filter]] 问题');
    const r = await runCase({ message });
    const done = r.frames.find((f) => f.type === 'status_update' && f.status === 'done');
    expect(done?.data).toMatchObject({ finish_reason: 'content_filter', full_response: r.transcript?.content });
  });

  it('keep-alive comments do not extend the first-token deadline → UPSTREAM_TIMEOUT well before the first token', async () => {
    const message = tagged('[[sim:keepalive=3000]] 请求');
    const r = await runCase({ message, deps: { limits: { ...baseDeps.limits, firstTokenDeadlineMs: 500 } } });
    expectFailure(r, 'UPSTREAM_TIMEOUT');
    expect(r.elapsedMs).toBeGreaterThanOrEqual(450);
    // Nothing reached the user; the simulator never got to its first token (due at 3 s) and saw the client leave.
    expect(deltas(r.frames, 'chat_stream')).toEqual([]);
    expect(r.transcript?.tokens).toEqual([]);
    await waitFor(() => sim.transcripts().find((t) => t.id === r.transcript?.id)?.aborted === true, 'the upstream abort');
  });

  it('a hanging provider → UPSTREAM_TIMEOUT after the first-token deadline', async () => {
    const message = tagged('[[sim:hang]] 请求');
    const r = await runCase({ message, deps: { limits: { ...baseDeps.limits, firstTokenDeadlineMs: 300 } } });
    const data = expectFailure(r, 'UPSTREAM_TIMEOUT');
    expect(r.elapsedMs).toBeGreaterThanOrEqual(250);
    expect(data.partial_response).toBe('');
    await waitFor(() => sim.transcripts().find((t) => t.id === r.transcript?.id)?.aborted === true, 'the upstream abort');
  });

  it('the total deadline stops a slow stream, keeping what was sent', async () => {
    const message = tagged('[[sim:tps=40]] 慢慢说');
    const r = await runCase({ message, deps: { limits: { ...baseDeps.limits, generationDeadlineMs: 400 } } });
    const data = expectFailure(r, 'UPSTREAM_TIMEOUT');
    const sent = deltas(r.frames, 'chat_stream').join('');
    expect(sent.length).toBeGreaterThan(0);
    expect(data.partial_response).toBe(sent);
    expect(r.transcript?.content.startsWith(sent)).toBe(true);
    expect((await turns(r.messageId)).find((t) => t.role === 'assistant')).toMatchObject({ status: 'error', content: sent });
  });
});

describe('retries before the first token', () => {
  it('streams cut before any token are retried with backoff, then the answer completes', async () => {
    const message = tagged('[[sim:cut=0,times=2]] 重试');
    const r = await runCase({ message });
    expect(r.outcome).toBe('done');
    expect(r.transcripts).toHaveLength(3);
    expect(deltas(r.frames, 'chat_stream').join('')).toBe(r.transcripts[2]?.content);
    expect(r.frames.filter((f) => f.type === 'error')).toEqual([]);
  });

  it('keep-alives then a cut before the first token are retried too', async () => {
    const message = tagged('[[sim:keepalive=200,cut=0,times=1]] 重试');
    const r = await runCase({ message });
    expect(r.outcome).toBe('done');
    expect(r.transcripts).toHaveLength(2);
  });
});
