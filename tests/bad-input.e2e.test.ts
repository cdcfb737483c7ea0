import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { checkGeneration } from './support/checks';
import { startTestSystem, type TestSystem } from './support/system';
import { chat, connect, TestClient, type Frame } from './support/ws-client';

// Every bad frame gets its documented answer, and the connection keeps working for the next good one.
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ serviceEnv: { 'ws-gateway': { MAX_FRAME_BYTES: String(64 * 1024) } } });
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

const errorAfter = async (c: TestClient, send: () => void): Promise<Frame> => {
  const before = c.frames.length;
  send();
  return c.next((f) => f.type === 'error' && c.frames.indexOf(f) >= before);
};

const closeOf = async (url: string, headers?: Record<string, string>) => {
  const c = new TestClient(url, headers);
  await c.opened;
  return c.closed;
};

describe('bad frames on an open connection', () => {
  let c: TestClient;
  beforeAll(async () => {
    c = await connect(await sys.wsUrl('bad_frames_user'));
  });
  afterAll(() => c.close());

  test.each([
    ['not JSON', 'hello {', 'INVALID_JSON'],
    ['a JSON array', '[1,2]', 'INVALID_FRAME'],
    ['a JSON string', '"health_chat"', 'INVALID_FRAME'],
    ['no type', '{"data":{}}', 'INVALID_FRAME'],
    ['unknown type', '{"type":"delete_everything"}', 'UNKNOWN_TYPE'],
    ['empty message', '{"type":"health_chat","data":{"message":""}}', 'VALIDATION_ERROR'],
    ['whitespace message', '{"type":"health_chat","data":{"message":"  \\n "}}', 'VALIDATION_ERROR'],
    ['message of the wrong type', '{"type":"health_chat","data":{"message":42}}', 'VALIDATION_ERROR'],
    ['missing data', '{"type":"general_chat"}', 'VALIDATION_ERROR'],
    ['too long message', JSON.stringify({ type: 'health_chat', data: { message: '睡'.repeat(2001) } }), 'VALIDATION_ERROR'],
    ['cancel without message_id', '{"type":"cancel","data":{}}', 'VALIDATION_ERROR'],
    ['resume with negative seq', '{"type":"resume","data":{"message_id":"x","last_seq":-1}}', 'VALIDATION_ERROR'],
  ])('%s → %s, then the connection still answers', async (_name, raw, code) => {
    const err = await errorAfter(c, () => c.sendRaw(raw));
    expect(err).toMatchObject({ type: 'error', error_code: code });
    expect(typeof err.message).toBe('string');
    const before = c.frames.length;
    c.send({ type: 'ping', request_id: 'after-bad' });
    await c.next((f) => f.type === 'pong' && c.frames.indexOf(f) >= before);
  });

  test('a binary frame outside a spoken question (voice_start) is refused with VOICE_NOT_STARTED', async () => {
    const err = await errorAfter(c, () => c.sendRaw(Buffer.from([0, 1, 2, 255]), true));
    expect(err.error_code).toBe('VOICE_NOT_STARTED');
  });

  test('the request_id of a bad frame comes back in its error', async () => {
    const err = await errorAfter(c, () => c.send({ type: 'health_chat', data: {}, request_id: 'r-42' }));
    expect(err).toMatchObject({ error_code: 'VALIDATION_ERROR', request_id: 'r-42' });
  });

  test('a good chat right after a burst of bad frames streams normally', async () => {
    for (let i = 0; i < 50; i++) c.sendRaw(i % 2 ? '{' : '{"type":"nope"}');
    const { frames } = await chat(c, `坏帧之后的好问题 ${randomUUID()}`);
    expect(checkGeneration(frames).status).toBe('done');
  });

  test('get_status and switch_member answer; switching to a stranger is denied', async () => {
    c.send({ type: 'get_status' });
    const status = await c.next((f) => f.type === 'status_update' && f.message_id === null && !!(f.data as { session?: unknown })?.session);
    expect(status.data).toMatchObject({ session: { user_id: 'bad_frames_user', active_member_id: 'bad_frames_user' } });
    const denied = await errorAfter(c, () => c.send({ type: 'switch_member', data: { target_member_id: 'user_001' } }));
    expect(denied.error_code).toBe('FAMILY_ACCESS_DENIED');
  });
});

test('a family member may switch to another member and chats with their data', async () => {
  const c = await connect(await sys.wsUrl('user_002'));
  c.send({ type: 'switch_member', data: { target_member_id: 'user_001' }, request_id: 'sw' });
  const ok = await c.next((f) => f.type === 'status_update' && (f.data as { request_id?: string } | null)?.request_id === 'sw');
  expect(ok).toMatchObject({ status: 'done', data: { active_member_id: 'user_001' } });
  const message = `为家人咨询 ${randomUUID()}`;
  const { frames } = await chat(c, message);
  expect(checkGeneration(frames).status).toBe('done');
  const prompt = sys.sim.transcripts().find((t) => t.lastUserMessage === message)!;
  expect(JSON.stringify(prompt.messages)).toContain('家庭成员');
  c.close();
});

test('a frame over the size limit closes the socket with 1009', async () => {
  const c = await connect(await sys.wsUrl('big_frame_user'));
  c.sendRaw(JSON.stringify({ type: 'ping', pad: 'x'.repeat(70 * 1024) }));
  expect((await c.closed).code).toBe(1009);
});

describe('handshake failures', () => {
  test('missing token → 4001', async () => {
    expect(await closeOf((await sys.wsUrl('u1', '')).replace(/\?$/, ''))).toMatchObject({ code: 4001, reason: 'Missing token' });
  });

  test('garbage token → 4001', async () => {
    expect((await closeOf(await sys.wsUrl('u1', 'token=not.a.jwt'))).code).toBe(4001);
  });

  test('token signed with another secret → 4001', async () => {
    const forged = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-of-enough-length'));
    expect((await closeOf(await sys.wsUrl('u1', `token=${forged}`))).code).toBe(4001);
  });

  test('expired token → 4001', async () => {
    const expired = await sys.tokens.issue('u1', -10);
    expect((await closeOf(await sys.wsUrl('u1', `token=${expired}`))).code).toBe(4001);
  });

  test('sub different from the path user → 4001 User ID mismatch', async () => {
    const other = await sys.tokens.issue('someone_else');
    expect(await closeOf(await sys.wsUrl('u1', `token=${other}`))).toEqual({ code: 4001, reason: 'User ID mismatch' });
  });

  test('an origin outside CORS_ALLOWED_ORIGINS is refused with HTTP 403; an allowed one connects', async () => {
    const bad = new TestClient(await sys.wsUrl('u1'), { origin: 'https://evil.example' });
    await expect(bad.opened).rejects.toThrow('HTTP 403');
    const good = await connect(await sys.wsUrl('u1'), { origin: 'http://localhost:5173' });
    expect(good.frames[0]!.type).toBe('connection_established');
    good.close();
  });

  test('a one-time ticket from the REST api connects once, and only once', async () => {
    const token = await sys.tokens.issue('ticket_user');
    const res = await fetch(`${sys.stack.edgeUrl}/api/v1/ws/ticket`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { ticket: string; expires_in: number } };
    expect(data.expires_in).toBe(60);
    const c = await connect(await sys.wsUrl('ticket_user', `ticket=${data.ticket}`));
    expect(c.frames[0]).toMatchObject({ type: 'connection_established', user_id: 'ticket_user' });
    c.close();
    expect(await closeOf(await sys.wsUrl('ticket_user', `ticket=${data.ticket}`))).toMatchObject({ code: 4001 });
  });

  test('the fourth connection of a user is closed with 4029; closing one makes room', async () => {
    const url = await sys.wsUrl('busy_user');
    const open = await Promise.all([connect(url), connect(url), connect(url)]);
    expect(await closeOf(url)).toEqual({ code: 4029, reason: 'Too many connections' });
    open[0]!.close();
    await open[0]!.closed;
    // The registry entry is removed asynchronously after the close; allow it a moment.
    let admitted: TestClient | null = null;
    for (let i = 0; i < 20 && !admitted; i++) {
      const c = new TestClient(url);
      const first = await Promise.race([c.next((f) => f.type === 'connection_established', 5000).then(() => 'ok'), c.closed.then(() => 'closed')]);
      if (first === 'ok') admitted = c;
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(admitted).not.toBeNull();
    admitted?.close();
    open.slice(1).forEach((c) => c.close());
  });
});

test('a generation a user cannot start (too many running) is refused with TOO_MANY_GENERATIONS', async () => {
  const c = await connect(await sys.wsUrl('greedy_user'));
  const slow = (n: number) => ({ type: 'health_chat', data: { message: `慢回答 ${n} [[sim:tps=5]] ${randomUUID()}` } });
  c.send(slow(1));
  c.send(slow(2));
  c.send(slow(3));
  const err = await c.next((f) => f.type === 'error' && f.error_code === 'TOO_MANY_GENERATIONS');
  expect(err.message).toBeTruthy();
  const sendings = c.frames.filter((f) => f.type === 'status_update' && f.status === 'sending');
  expect(sendings).toHaveLength(2);
  for (const s of sendings) c.send({ type: 'cancel', data: { message_id: s.message_id } });
  for (const s of sendings) await c.next((f) => f.message_id === s.message_id && f.status === 'cancelled');
  c.close();
});
