import { startTestSystem, type TestSystem } from './support/system';
import { connect, type Frame, type TestClient } from './support/ws-client';

// The contract's 20 frames/s (burst 40) per user, across every gateway. The refill is slowed down
// here (one token every 4 s) so the counts are exact: however slowly a loaded machine handles a
// burst of 100 frames, it does not take 4 s, so exactly the burst gets through.
const BURST = 40;
const PER_SECOND = 0.25;
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({
    gateways: 2,
    serviceEnv: { 'ws-gateway': { RATE_LIMIT_PER_SECOND: String(PER_SECOND), RATE_LIMIT_BURST: String(BURST) } },
  });
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

/** A client connected to one particular gateway (not through the edge's round robin). */
const connectTo = async (gateway: number, userId: string) =>
  connect(`${sys.stack.gatewayUrls[gateway]!.replace(/^http/, 'ws')}/ws/chat/${userId}?token=${await sys.tokens.issue(userId)}`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `n` pings at once and resolves with the answer to each, by request id. */
const burstOfPings = async (c: TestClient, tag: string, n: number): Promise<Frame[]> => {
  const ids = Array.from({ length: n }, (_, i) => `${tag}-${i}`);
  for (const id of ids) c.send({ type: 'ping', request_id: id });
  return Promise.all(ids.map((id) => c.next((f) => f.request_id === id)));
};

const kinds = (answers: Frame[]) => ({
  pongs: answers.filter((f) => f.type === 'pong').length,
  limited: answers.filter((f) => f.type === 'error' && f.error_code === 'RATE_LIMITED').length,
});

test('100 pings at once: exactly the burst is answered, the rest get RATE_LIMITED; after a refill it works again', async () => {
  const c = await connectTo(0, 'ping_storm_user');
  const answers = await burstOfPings(c, 'storm', 100);
  expect(kinds(answers)).toEqual({ pongs: BURST, limited: 100 - BURST });
  // First come, first served: the frames over the limit are the last ones.
  expect(answers.slice(0, BURST).every((f) => f.type === 'pong')).toBe(true);
  const limited = answers[BURST]!;
  expect(limited).toMatchObject({ type: 'error', error_code: 'RATE_LIMITED', request_id: `storm-${BURST}` });
  expect(typeof limited.message).toBe('string');

  // The connection stayed open; one token is back after 1 / PER_SECOND seconds.
  await sleep(1000 / PER_SECOND + 500);
  const [again] = await burstOfPings(c, 'later', 1);
  expect(again).toMatchObject({ type: 'pong', request_id: 'later-0' });
  const [tooSoon] = await burstOfPings(c, 'too-soon', 1);
  expect(tooSoon).toMatchObject({ type: 'error', error_code: 'RATE_LIMITED' });
  c.close();
}, 60000);

test('the bucket is per user across gateways: two devices on two gateways share it', async () => {
  const [a, b] = [await connectTo(0, 'two_gateways_user'), await connectTo(1, 'two_gateways_user')];
  const [fromA, fromB] = await Promise.all([burstOfPings(a, 'a', 30), burstOfPings(b, 'b', 30)]);
  expect(kinds([...fromA, ...fromB])).toEqual({ pongs: BURST, limited: 60 - BURST });
  // Another user is not affected.
  const other = await connectTo(1, 'bystander_user');
  expect(kinds(await burstOfPings(other, 'o', 10))).toEqual({ pongs: 10, limited: 0 });
  [a, b, other].forEach((c) => c.close());
}, 60000);

test('a chat over the limit is refused with its request_id and starts nothing', async () => {
  const c = await connectTo(0, 'chatty_user');
  await burstOfPings(c, 'fill', BURST);
  c.send({ type: 'health_chat', data: { message: '超过限额的问题' }, request_id: 'chat-over' });
  const refused = await c.next((f) => f.request_id === 'chat-over');
  expect(refused).toMatchObject({ type: 'error', error_code: 'RATE_LIMITED' });
  await sleep(200);
  expect(c.frames.filter((f) => f.type === 'status_update' && f.status === 'sending')).toEqual([]);
  c.close();
});

test('frames that fail validation are answered but not charged', async () => {
  const c = await connectTo(1, 'typo_user');
  for (let i = 0; i < 60; i++) c.sendRaw(`{"type":"ping","request_id":"bad-${i}"`);
  await c.next((f) => f.type === 'error' && c.frames.filter((x) => x.error_code === 'INVALID_JSON').length === 60);
  expect(kinds(await burstOfPings(c, 'good', BURST))).toEqual({ pongs: BURST, limited: 0 });
  c.close();
});
