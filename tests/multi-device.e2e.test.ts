import { randomUUID } from 'node:crypto';
import { connect, isTerminal, type Frame, type TestClient } from './support/ws-client';
import { openDevices } from './support/devices';
import { startTestSystem, type TestSystem } from './support/system';

// One user's devices kept in sync (Phase V), through two gateways behind the edge: each device
// is a raw WebSocket, so what reaches which device, and in which order, is checked frame by frame.
let sys: TestSystem;
const devices = openDevices();

beforeAll(async () => {
  sys = await startTestSystem({ gateways: 2, workers: 1, sim: { tokensPerSecond: 100 } });
}, 120000);
afterEach(devices.closeAll);
afterAll(() => sys?.stop(), 60000);

const device = async (userId = 'user_001'): Promise<TestClient> => {
  const c = await connect(await sys.wsUrl(userId));
  return devices.track(c);
};

const textOf = (frames: Frame[]) => frames.filter((f) => f.type === 'chat_stream').map((f) => f.delta).join('');
const simulatorText = (message: string) => sys.sim.transcripts().find((t) => t.lastUserMessage === message)?.content;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends a chat from `from` and waits for its terminal status there; returns its message id. */
const chat = async (from: TestClient, message: string): Promise<string> => {
  const requestId = randomUUID();
  from.send({ type: 'health_chat', data: { message }, request_id: requestId });
  const sending = await from.next((f) => f.type === 'status_update' && f.status === 'sending' && (f.data as { request_id?: string } | null)?.request_id === requestId);
  return String(sending.message_id);
};

test('a message sent from device A appears on device B before its answer streams, and both get the whole answer', async () => {
  const [a, b] = [await device(), await device()];
  const message = `多设备 ${randomUUID()}`;
  const messageId = await chat(a, message);
  await Promise.all([a, b].map((c) => c.next((f) => isTerminal(f, messageId), 30000)));

  const shown = b.frames.findIndex((f) => f.type === 'user_message' && f.message_id === messageId);
  expect(b.frames[shown]).toMatchObject({ message, kind: 'health', conversation_id: expect.any(String), origin_connection_id: expect.any(String), active_member_id: null });
  const firstToken = b.frames.findIndex((f) => f.type === 'chat_stream' && f.message_id === messageId);
  expect(shown).toBeGreaterThanOrEqual(0);
  expect(shown).toBeLessThan(firstToken);
  // The sender is not echoed its own message.
  expect(a.frames.filter((f) => f.type === 'user_message')).toHaveLength(0);
  expect(textOf(b.generation(messageId))).toBe(simulatorText(message));
  expect(textOf(a.generation(messageId))).toBe(simulatorText(message));
});

test('a message sent over REST appears on every open device', async () => {
  const a = await device();
  const message = `REST 多设备 ${randomUUID()}`;
  const res = await fetch(`${sys.stack.edgeUrl}/api/v1/chat/message`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await sys.tokens.issue('user_001')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message }),
  });
  expect(res.status).toBe(200);
  const shown = await a.next((f) => f.type === 'user_message' && f.message === message);
  expect(shown.origin_connection_id).toBeNull();
});

test('the active member and conversation are per device; the conversation list is shared', async () => {
  const [a, b] = [await device(), await device()];
  a.send({ type: 'switch_member', data: { target_member_id: 'user_002' }, request_id: 'sw' });
  await a.next((f) => f.type === 'status_update' && (f.data as { request_id?: string } | null)?.request_id === 'sw');
  const messageId = await chat(a, `为家人提问 ${randomUUID()}`);
  await a.next((f) => isTerminal(f, messageId), 30000);
  const shown = await b.next((f) => f.type === 'user_message' && f.message_id === messageId);
  expect(shown.active_member_id).toBe('user_002');

  const session = async (c: TestClient, id: string) => {
    c.send({ type: 'get_status', request_id: id });
    const f = await c.next((x) => x.type === 'status_update' && (x.data as { request_id?: string } | null)?.request_id === id);
    return (f.data as { session: { active_member_id: string; conversation_id: string | null } }).session;
  };
  expect(await session(a, 'st-a')).toMatchObject({ active_member_id: 'user_002', conversation_id: shown.conversation_id });
  expect(await session(b, 'st-b')).toMatchObject({ active_member_id: 'user_001', conversation_id: null });
  const list = (await (await fetch(`${sys.stack.edgeUrl}/api/v1/chat/conversations`, { headers: { authorization: `Bearer ${await sys.tokens.issue('user_001')}` } })).json()) as unknown;
  expect(JSON.stringify(list)).toContain(String(shown.conversation_id));
});

test('a device that comes online mid-answer learns of it from sync and catches up exactly with resume', async () => {
  const a = await device();
  const message = `晚到的设备 [[sim:tps=20]] ${randomUUID()}`;
  const messageId = await chat(a, message);
  await a.next((f) => f.type === 'chat_stream' && f.message_id === messageId);
  const late = await device();
  late.send({ type: 'sync', request_id: 'sync-1' });
  const sync = await late.next((f) => f.type === 'sync');
  const running = sync.running as { message_id: string; seq: number; status: string; message: string }[];
  expect(running.map((r) => r.message_id)).toContain(messageId);
  // The question comes along, so the late device can show what is being answered.
  expect(running.find((r) => r.message_id === messageId)?.message).toBe(message);
  late.send({ type: 'resume', data: { message_id: messageId, last_seq: 0 } });
  await late.next((f) => isTerminal(f, messageId), 30000);
  const seqs = late.generation(messageId).map((f) => Number(f.seq));
  expect(seqs).toEqual(seqs.map((_, i) => i + 1)); // 1, 2, 3, … once each
  expect(textOf(late.generation(messageId))).toBe(simulatorText(message));
});

test('a device that was away sees the last turns in sync, and only newer ones when it gives `since`', async () => {
  const a = await device();
  const message = `离线期间 ${randomUUID()}`;
  const messageId = await chat(a, message);
  await a.next((f) => isTerminal(f, messageId), 30000);
  const away = await device();
  type Conv = { conversation_id: string; turns: { role: string; content: string; message_id: string | null; status: string }[] };
  // The worker stores the answer just after publishing `done`: ask until both turns are there.
  let sync: Frame = { type: 'none' };
  let turns: Conv['turns'] = [];
  for (let i = 0; i < 50 && turns.length < 2; i++, await sleep(100)) {
    away.send({ type: 'sync', request_id: `sync-all-${i}` });
    sync = await away.next((f) => f.type === 'sync' && f.request_id === `sync-all-${i}`);
    turns = (sync.conversations as Conv[]).flatMap((c) => c.turns).filter((t) => t.message_id === messageId);
  }
  expect(turns).toEqual([
    expect.objectContaining({ role: 'user', content: message, status: 'complete' }),
    expect.objectContaining({ role: 'assistant', content: simulatorText(message), status: 'complete' }),
  ]);
  expect(sync.unread_reminders).toEqual(expect.any(Number));

  away.send({ type: 'sync', data: { since: new Date().toISOString() }, request_id: 'sync-since' });
  const later = await away.next((f) => f.type === 'sync' && f.request_id === 'sync-since');
  expect(later.conversations).toEqual([]);
  away.send({ type: 'sync', data: { since: 'yesterday' }, request_id: 'sync-bad' });
  const bad = await away.next((f) => f.type === 'error' && f.request_id === 'sync-bad');
  expect(bad.error_code).toBe('VALIDATION_ERROR');
});
