import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@aurawell/protocol';
import { checkGeneration } from './support/checks';
import { startTestSystem, type TestSystem } from './support/system';
import { chat, connect } from './support/ws-client';

// 10,000 malformed or hostile frames on one connection: every one answered, nothing breaks.
let sys: TestSystem;

beforeAll(async () => {
  // The rate limit is lifted so every frame reaches the parser (the limit has its own tests).
  sys = await startTestSystem({ serviceEnv: { 'ws-gateway': { RATE_LIMIT_PER_SECOND: '1000000', RATE_LIMIT_BURST: '1000000' } } });
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

/** A small deterministic generator, so a failure can be reproduced. */
const rng = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

/** JSON nested `depth` levels deep, built as text (serialising such a value would overflow the stack). */
const nestedJson = (depth: number, leaf: string): string => '{"a":['.repeat(depth) + leaf + ']}'.repeat(depth);

const hostile = (r: () => number, i: number): { data: string | Buffer; binary: boolean } => {
  const pick = Math.floor(r() * 12);
  const text = (v: unknown) => ({ data: JSON.stringify(v), binary: false });
  switch (pick) {
    case 0: return { data: Buffer.from(Array.from({ length: 1 + Math.floor(r() * 64) }, () => Math.floor(r() * 256))), binary: true };
    case 1: return { data: `{"type":"health_chat","data":{"message":"${'x'.repeat(Math.floor(r() * 50))}`, binary: false };
    case 2: return text([1, 'two', null, { type: 'ping' }]);
    case 3: return text({ type: 12345 + i, data: {} });
    case 4: return text({ type: 'health_chat', data: { message: 'x'.repeat(2001 + Math.floor(r() * 200000)) } });
    case 5: return { data: `{"type":"health_chat","data":{"message":"hi","context":${nestedJson(1000 + Math.floor(r() * 2000), '1')}}}`, binary: false };
    case 6: return { data: nestedJson(20000, '"deep"'), binary: false };
    case 7: return text({ type: 'resume', data: { message_id: randomUUID(), last_seq: 'zero' } });
    case 8: return text({ __proto__: { type: 'ping' }, constructor: { prototype: { polluted: true } } });
    case 9: return text({ type: 'switch_member', data: { target_member_id: '' } });
    case 10: return text({ type: `${'🤖'.repeat(100)}` });
    default: return text({ type: 'cancel', data: { message_id: 42 } });
  }
};

/**
 * Waits until `count()` reaches `n`. On a busy machine that may take minutes, which is fine; what
 * fails is a gateway that stops answering: nothing new for 30 s. (Counting stays O(1) per check.)
 */
const untilStalled = async (count: () => number, n: number, what: string): Promise<void> => {
  let last = -1;
  let lastChange = Date.now();
  while (count() < n) {
    if (count() !== last) [last, lastChange] = [count(), Date.now()];
    else if (Date.now() - lastChange > 30000) throw new Error(`${what}: ${last} of ${n} frames, nothing new for 30 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
};

test('10,000 hostile frames each get an error frame with a documented code; the connection and the process stay up', async () => {
  const client = await connect(await sys.wsUrl('fuzz_user'));
  const r = rng(20261124);
  const n = 10000;
  for (let i = 0; i < n; i += 1) {
    const f = hostile(r, i);
    client.sendRaw(f.data, f.binary);
  }
  // Each refusal is an error frame and a status_update error right after it (the original's clients watch only those).
  await untilStalled(() => client.frames.length, 2 * n + 1, 'refusals of hostile frames');
  const errors = client.frames.filter((f) => f.type === 'error');
  expect(errors).toHaveLength(n);
  for (const [i, f] of client.frames.entries()) {
    if (f.type === 'error') expect(client.frames[i + 1]).toMatchObject({ type: 'status_update', status: 'error', message_id: null, data: { error_code: f.error_code } });
  }
  const codes = new Set(errors.map((e) => String(e.error_code)));
  for (const code of codes) expect(ErrorCode.options).toContain(code);
  expect(codes.has('INVALID_JSON') && codes.has('INVALID_FRAME') && codes.has('UNKNOWN_TYPE') && codes.has('VALIDATION_ERROR')).toBe(true);
  expect(({} as { polluted?: boolean }).polluted).toBeUndefined();

  // Still the same connection, still answering, and a real chat works.
  const { frames } = await chat(client, `模糊测试之后 ${randomUUID()}`);
  expect(checkGeneration(frames).status).toBe('done');
  expect(sys.stack.gateways[0]!.running).toBe(true);
  client.close();
}, 600000);
