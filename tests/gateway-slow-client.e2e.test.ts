import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { expectSameText } from './support/checks';
import { startTestSystem, type TestSystem } from './support/system';
import { connect, isTerminal, type Frame, type TestClient } from './support/ws-client';

// A client that stops reading: first its kernel buffers fill (a few MiB on loopback), then the
// gateway's socket buffer passes the soft cap and deltas are merged; past the hard cap it is closed
// with 1013. Small caps make both happen within one long answer. Clients connect to the gateway
// directly, so that only one TCP connection's buffers stand between it and the paused client.
const SOFT_CAP = 16 * 1024;
const HARD_CAP = 128 * 1024;
let sys: TestSystem;

beforeAll(async () => {
  // Long answers must stay replayable from their first frame.
  const frames = { GENERATION_MAX_FRAMES: '150000' };
  sys = await startTestSystem({
    serviceEnv: {
      'ws-gateway': { ...frames, SEND_BUFFER_SOFT_CAP_BYTES: String(SOFT_CAP), SEND_BUFFER_HARD_CAP_BYTES: String(HARD_CAP) },
      'advice-worker': { ...frames, LLM_MAX_TOKENS: '60000' },
    },
  });
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

const gatewayUrl = async (userId: string) =>
  `${sys.stack.gatewayUrls[0]!.replace(/^http/, 'ws')}/ws/chat/${userId}?token=${await sys.tokens.issue(userId)}`;
const socketOf = (c: TestClient) => (c as unknown as { ws: WebSocket & { _socket: { pause(): void; resume(): void } } }).ws._socket;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A counter of the gateway's /metrics. */
const metric = async (name: string): Promise<number> => {
  const body = await (await fetch(`http://127.0.0.1:${sys.stack.gateways[0]!.opsPort}/metrics`)).text();
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'm').exec(body);
  return m ? Number(m[1]) : 0;
};
const waitForMetric = async (name: string, above: number, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while ((await metric(name)) <= above) {
    if (Date.now() > deadline) throw new Error(`${name} stayed at ${above} for ${timeoutMs} ms`);
    await sleep(20);
  }
};

const longAnswer = (tag: string) => `${tag} [[sim:tokens=50000, tps=20000, delay=0]] ${randomUUID()}`;
const providerText = (message: string) => sys.sim.transcripts().find((t) => t.lastUserMessage === message)!.content;

const startChat = async (c: TestClient, message: string): Promise<string> => {
  const requestId = randomUUID();
  c.send({ type: 'general_chat', data: { message }, request_id: requestId });
  const sending = await c.next((f) => f.status === 'sending' && (f.data as { request_id?: string } | null)?.request_id === requestId, 60000);
  return String(sending.message_id);
};

/**
 * One generation's frames as a client received them, merged ones included: each frame stands for
 * seq `seq_from ?? seq` through `seq`, and together they cover 1..n without gap or overlap; one
 * terminal status ends it; the chat deltas concatenate to full_response.
 */
const checkCoalesced = (frames: Frame[]): string => {
  let next = 1;
  for (const f of frames) {
    expect({ seq_from: f.seq_from ?? f.seq, type: f.type }).toEqual({ seq_from: next, type: f.type });
    expect(Number(f.seq)).toBeGreaterThanOrEqual(next);
    if (f.seq_from !== undefined) expect(['chat_stream', 'reasoning_stream']).toContain(f.type);
    next = Number(f.seq) + 1;
  }
  const terminals = frames.filter((f) => isTerminal(f));
  expect(terminals).toHaveLength(1);
  expect(frames[frames.length - 1]).toBe(terminals[0]);
  const text = frames.filter((f) => f.type === 'chat_stream').map((f) => String(f.delta)).join('');
  expectSameText((terminals[0]!.data as { full_response: string }).full_response, text, 'full_response vs the deltas');
  return text;
};

/**
 * What a resuming client keeps: the frames that continue its last seq without gap, up to the
 * terminal status. The new connection also gets the generation's live frames from the moment it
 * subscribes (every device of a user does), which may run ahead of `last_seq` until the replay
 * catches up; a client skips those, as this does. Resolves with the frames kept and whether the
 * terminal came (false: the connection closed first).
 */
const continuation = async (c: TestClient, messageId: string, lastSeq: number): Promise<{ kept: Frame[]; ended: boolean }> => {
  const kept: Frame[] = [];
  let next = lastSeq + 1;
  const terminal = c.next((f) => {
    if (f.message_id !== messageId || Number(f.seq_from ?? f.seq) !== next) return false;
    kept.push(f);
    next = Number(f.seq) + 1;
    return isTerminal(f);
  }, 240000);
  const ended = await Promise.race([terminal.then(() => true), c.closed.then(() => false)]);
  terminal.catch(() => {});
  return { kept, ended };
};

/**
 * Resumes `messageId` after `lastSeq` on a new connection, as a client does after 1013: a replay
 * of a long answer is itself a burst past this test's tiny hard cap when the test process reads
 * slowly (a loaded machine), and the gateway may close the new connection with 1013 too; the client
 * then resumes again from the last seq it has. Any other close fails the test.
 */
const resumeToEnd = async (url: string, messageId: string, lastSeq: number): Promise<Frame[]> => {
  const frames: Frame[] = [];
  for (let attempt = 1; attempt <= 10; attempt += 1) {
    const c = await connect(url);
    c.send({ type: 'resume', data: { message_id: messageId, last_seq: lastSeq } });
    const { kept, ended } = await continuation(c, messageId, lastSeq);
    frames.push(...kept);
    c.close();
    if (ended) return frames;
    expect((await c.closed).code).toBe(1013);
    if (kept.length > 0) lastSeq = Number(kept[kept.length - 1]!.seq);
  }
  throw new Error(`${messageId}: no end after 10 resumes`);
};

/**
 * One try of a paused reader: reading stops once the answer streams and starts again as soon as
 * the gateway has merged deltas. Its frames, or null when the gateway closed the socket with 1013
 * first: merged text grows by every delta, so a test process too loaded to resume within a few
 * seconds lets it pass the hard cap (the next test's case). Any other close fails the test.
 */
const pausedReader = async (attempt: number): Promise<{ frames: Frame[]; message: string } | null> => {
  const c = await connect(await gatewayUrl(`slow_reader_${attempt}`));
  // 5,000 tokens/s: the kernel buffers fill within ~2 s, then merged text grows ~30 KB/s.
  const message = `慢读者 ${attempt} [[sim:tokens=50000, tps=5000, delay=0]] ${randomUUID()}`;
  const merges = await metric('aurawell_ws_slow_client_merges_total');
  const messageId = await startChat(c, message);
  socketOf(c).pause();
  await waitForMetric('aurawell_ws_slow_client_merges_total', merges, 180000);
  socketOf(c).resume();
  const ended = await Promise.race([c.next((f) => isTerminal(f, messageId), 240000).then(() => true), c.closed.then(() => false)]);
  if (!ended) {
    expect((await c.closed).code).toBe(1013);
    return null;
  }
  c.close();
  return { frames: c.generation(messageId), message };
};

test('a client that stops reading gets merged deltas, and after it reads again the text is exact', async () => {
  let read: { frames: Frame[]; message: string } | null = null;
  for (let attempt = 1; attempt <= 3 && read === null; attempt += 1) read = await pausedReader(attempt);
  expect(read).not.toBeNull();
  const { frames, message } = read!;
  const merged = frames.filter((f) => f.seq_from !== undefined);
  expect(merged.length).toBeGreaterThan(0);
  for (const f of merged) expect(Number(f.seq)).toBeGreaterThan(Number(f.seq_from));
  expect(frames[frames.length - 1]).toMatchObject({ status: 'done' });
  expectSameText(checkCoalesced(frames), providerText(message), 'the text shown vs what the provider sent');
  // Fewer frames than seqs: that is the point of merging.
  expect(frames.length).toBeLessThan(Number(frames[frames.length - 1]!.seq));
}, 600000);

test('past the hard cap the client is closed with 1013; reconnecting and resuming yields the exact text', async () => {
  const url = await gatewayUrl('stalled_reader');
  const c = await connect(url);
  const closes = await metric('aurawell_ws_slow_client_closes_total');
  // Two long answers at once: far more unsent text than the hard cap, whatever the kernel buffers hold.
  const messages = [longAnswer('卡住的读者 1'), longAnswer('卡住的读者 2')];
  const ids = [await startChat(c, messages[0]!), await startChat(c, messages[1]!)];
  socketOf(c).pause();
  await waitForMetric('aurawell_ws_slow_client_closes_total', closes, 180000);
  socketOf(c).resume();
  expect(await c.closed).toMatchObject({ code: 1013 });

  for (const [i, messageId] of ids.entries()) {
    const before = c.generation(messageId);
    const lastSeq = before.length > 0 ? Number(before[before.length - 1]!.seq) : 0;
    const rest = await resumeToEnd(url, messageId, lastSeq);
    expectSameText(checkCoalesced([...before, ...rest]), providerText(messages[i]!), 'the text shown vs what the provider sent');
  }
}, 720000);
