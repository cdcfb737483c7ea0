import { randomUUID } from 'node:crypto';
import { checkGeneration } from './support/checks';
import { startTestSystem, type TestSystem } from './support/system';
import { connect, isTerminal, type Frame, type TestClient } from './support/ws-client';

// The frame habits of the original service its clients rely on (issue 14): `status_update.data`
// always an object, a JSON `pong` taken quietly, every refusal also sent as `status_update`
// `error`, and the original's texts and `get_status` fields.
const BURST = 5;
let sys: TestSystem;

beforeAll(async () => {
  // A small bucket, refilled slowly (one frame every 4 s), so a test can reach the limit exactly.
  sys = await startTestSystem({ serviceEnv: { 'ws-gateway': { RATE_LIMIT_BURST: String(BURST), RATE_LIMIT_PER_SECOND: '0.25' } } });
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

/** The frames that arrive after `send`, up to and including the first that matches `last`. */
const framesUntil = async (c: TestClient, send: () => void, last: (f: Frame) => boolean): Promise<Frame[]> => {
  const before = c.frames.length;
  send();
  await c.next((f) => last(f) && c.frames.indexOf(f) >= before);
  const end = c.frames.findIndex((f, i) => i >= before && last(f));
  return c.frames.slice(before, end + 1);
};

const isPong = (id: string) => (f: Frame) => f.type === 'pong' && f.request_id === id;
const isStatusError = (f: Frame) => f.type === 'status_update' && f.status === 'error';

test('the welcome is the original’s text, with the fields this system adds', async () => {
  const c = await connect(await sys.wsUrl('welcome_user'));
  expect(c.frames[0]).toMatchObject({
    type: 'connection_established',
    status: 'connected',
    message: '欢迎使用AuraWell健康助手！',
    heartbeat_interval: 30,
    user_id: 'welcome_user',
    connection_id: expect.any(String),
    timestamp: expect.any(String),
  });
  c.close();
});

test('a JSON pong gets no answer, is not charged to the rate limit, and the connection carries on', async () => {
  const c = await connect(await sys.wsUrl('pong_user'));
  const frames = await framesUntil(
    c,
    () => {
      for (let i = 0; i < BURST * 3; i++) c.send({ type: 'pong', request_id: `pong-${i}`, heartbeat_id: i });
      c.send({ type: 'ping', request_id: 'after-pongs' });
    },
    isPong('after-pongs'),
  );
  expect(frames.map((f) => f.type)).toEqual(['pong']);
  c.close();
});

test('a frame that is not JSON gets its error and then a status_update error that ends no generation', async () => {
  const c = await connect(await sys.wsUrl('bad_json_user'));
  const frames = await framesUntil(c, () => c.sendRaw('hello {'), isStatusError);
  expect(frames).toEqual([
    expect.objectContaining({ type: 'error', error_code: 'INVALID_JSON' }),
    {
      type: 'status_update',
      status: 'error',
      message: frames[0]!.message,
      data: { error_code: 'INVALID_JSON', request_id: null },
      conversation_id: null,
      message_id: null,
      timestamp: expect.any(String),
    },
  ]);
  c.close();
});

test.each([
  ['an unknown type', { type: 'rag_query', data: { query: 'x' }, request_id: 'r-unknown' }, 'UNKNOWN_TYPE'],
  ['a field of the wrong type', { type: 'health_chat', data: { message: 42 }, request_id: 'r-invalid' }, 'VALIDATION_ERROR'],
  ['a switch to a stranger', { type: 'switch_member', data: { target_member_id: 'user_001' }, request_id: 'r-denied' }, 'FAMILY_ACCESS_DENIED'],
])('%s: the status_update error names the code and the request_id', async (_name, frame, code) => {
  const c = await connect(await sys.wsUrl(`refused_${code.toLowerCase()}`));
  const frames = await framesUntil(c, () => c.send(frame), isStatusError);
  expect(frames).toEqual([
    expect.objectContaining({ type: 'error', error_code: code, request_id: frame.request_id }),
    expect.objectContaining({ status: 'error', data: { error_code: code, request_id: frame.request_id }, message_id: null }),
  ]);
  expect(frames[1]).not.toHaveProperty('seq');
  c.close();
});

test('a rate-limited frame gets RATE_LIMITED and then its status_update error', async () => {
  const c = await connect(await sys.wsUrl('limited_user'));
  const frames = await framesUntil(
    c,
    () => {
      for (let i = 0; i <= BURST; i++) c.send({ type: 'ping', request_id: `p-${i}` });
    },
    isStatusError,
  );
  expect(frames.map((f) => f.type)).toEqual([...Array<string>(BURST).fill('pong'), 'error', 'status_update']);
  expect(frames.at(-1)).toMatchObject({ data: { error_code: 'RATE_LIMITED', request_id: `p-${BURST}` }, message_id: null });
  c.close();
});

test('every status of a generation carries data as an object; a refusal meanwhile is not its terminal', async () => {
  const c = await connect(await sys.wsUrl('statuses_user'));
  const requestId = 'chat-1';
  c.send({ type: 'health_chat', data: { message: `数据总是对象 ${randomUUID()}` }, request_id: requestId });
  const sending = await c.next((f) => f.type === 'status_update' && f.status === 'sending');
  c.sendRaw('not json');
  const messageId = String(sending.message_id);
  await c.next((f) => isTerminal(f, messageId), 60000);
  const frames = c.generation(messageId);
  expect(checkGeneration(frames).status).toBe('done');
  const statuses = frames.filter((f) => f.type === 'status_update');
  expect(statuses.map((f) => [f.status, f.data])).toEqual([
    ['sending', { request_id: requestId }],
    ['streaming', {}],
    ['done', expect.objectContaining({ message_id: messageId })],
  ]);
  expect(c.frames.filter(isStatusError)).toEqual([expect.objectContaining({ message_id: null, data: { error_code: 'INVALID_JSON', request_id: null } })]);
  c.close();
});

test('a chat without request_id: its sending status still has data {}', async () => {
  const c = await connect(await sys.wsUrl('no_request_id_user'));
  c.send({ type: 'general_chat', data: { message: `没有 request_id ${randomUUID()}` } });
  const sending = await c.next((f) => f.type === 'status_update' && f.status === 'sending');
  expect(sending.data).toEqual({});
  const messageId = String(sending.message_id);
  await c.next((f) => isTerminal(f, messageId), 60000);
  expect(checkGeneration(c.generation(messageId)).status).toBe('done');
  c.close();
});

test('get_status gives the original’s fields: the session, connected_users (a count, never ids), server_time', async () => {
  const other = await connect(await sys.wsUrl('status_bystander'));
  const c = await connect(await sys.wsUrl('status_user'));
  const [status] = await framesUntil(c, () => c.send({ type: 'get_status', request_id: 's1' }), (f) => f.type === 'status_update');
  expect(status).toMatchObject({
    type: 'status_update',
    status: 'done',
    message: '状态信息',
    message_id: null,
    data: {
      session: {
        user_id: 'status_user',
        active_member_id: 'status_user',
        conversation_id: null,
        connected_at: expect.any(String),
        last_activity: expect.any(String),
        heartbeat_count: expect.any(Number),
        last_pong: expect.any(String),
      },
      server_time: expect.any(String),
      request_id: 's1',
    },
  });
  const data = status!.data as { connected_users: unknown };
  expect(data.connected_users).toEqual(expect.any(Number));
  expect(data.connected_users).toBeGreaterThanOrEqual(2);
  expect(JSON.stringify(status)).not.toContain('status_bystander');
  [c, other].forEach((x) => x.close());
});

test('switch_member answers with the original’s text and data', async () => {
  const c = await connect(await sys.wsUrl('user_002'));
  const [reply] = await framesUntil(
    c,
    () => c.send({ type: 'switch_member', data: { target_member_id: 'user_001' }, request_id: 'sw' }),
    (f) => f.type === 'status_update',
  );
  expect(reply).toMatchObject({ status: 'done', message: '已切换到成员: user_001', data: { active_member_id: 'user_001', request_id: 'sw' }, message_id: null });
  c.close();
});
