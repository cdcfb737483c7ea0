import { randomUUID } from 'node:crypto';
import { connect, type Frame, type TestClient } from './support/ws-client';
import { openDevices } from './support/devices';
import { startTestSystem, type TestSystem } from './support/system';

// Phase V reminders through the real fleet: two gateways and two workers behind the edge, the
// api scheduling on BullMQ, PostgreSQL and Redis. Every device is a raw WebSocket with its own
// device id, so "once per device" is counted frame by frame.
let sys: TestSystem;
const devices = openDevices();

beforeAll(async () => {
  sys = await startTestSystem({ gateways: 2, workers: 2, serviceEnv: { api: { REMINDER_MIN_INTERVAL_SECONDS: '1' } } });
}, 120000);
afterEach(devices.closeAll);
afterAll(() => sys?.stop(), 60000);

const device = async (userId: string, deviceId = `dev-${randomUUID()}`): Promise<TestClient> => {
  const c = await connect(await sys.wsUrl(userId, `token=${await sys.tokens.issue(userId)}&device_id=${deviceId}`));
  return devices.track(c);
};

const api = async (userId: string, method: string, path: string, body?: unknown) => {
  const res = await fetch(`${sys.stack.edgeUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${await sys.tokens.issue(userId)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as { data?: Record<string, unknown> };
  if (res.status !== 200) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json.data as Record<string, unknown>;
};

const createReminder = async (userId: string, schedule: Record<string, unknown>, over: Record<string, unknown> = {}) =>
  (await api(userId, 'POST', '/api/v1/reminders', { title: '喝水', message: `起来喝杯水 ${randomUUID()}`, schedule, ...over })) as { id: string; message: string };

const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const remindersOf = (c: TestClient, reminderId: string): Frame[] => c.frames.filter((f) => f.type === 'reminder' && f.reminder_id === reminderId);
const deliveryRows = async (reminderId: string) =>
  (await sys.db.query<{ id: string; read_at: Date | null }>('SELECT id, read_at FROM reminder_deliveries WHERE reminder_id = $1 ORDER BY due_at', [reminderId])).rows;

const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs = 15000) => {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
};

test('a reminder due in two seconds reaches two devices once each, with two workers running', async () => {
  const [a, b] = [await device('user_001'), await device('user_001')];
  const r = await createReminder('user_001', { type: 'once', run_at: inMs(2000) });
  const [fa, fb] = await Promise.all([a, b].map((c) => c.next((f) => f.type === 'reminder' && f.reminder_id === r.id, 15000)));
  expect(fa).toMatchObject({ title: '喝水', message: r.message, user_id: 'user_001', smart: false, on_connect: false });
  expect(fb!.delivery_id).toBe(fa!.delivery_id);
  await sleep(2000); // room for a duplicate from the other worker, a retry or the other gateway
  expect(remindersOf(a, r.id)).toHaveLength(1);
  expect(remindersOf(b, r.id)).toHaveLength(1);
  expect(await deliveryRows(r.id)).toHaveLength(1);
});

test('a repeating reminder fires once per occurrence across two workers, and deleting it stops it', async () => {
  const a = await device('user_001');
  const r = await createReminder('user_001', { type: 'cron', cron: '* * * * * *', timezone: 'Asia/Shanghai' });
  await waitFor('three occurrences', async () => remindersOf(a, r.id).length >= 3);
  const frames = remindersOf(a, r.id);
  // Every occurrence is its own delivery, each sent once, in due order, one second apart.
  const ids = frames.map((f) => f.delivery_id);
  expect(new Set(ids).size).toBe(ids.length);
  const due = frames.map((f) => Date.parse(String(f.due_at)));
  for (let i = 1; i < due.length; i++) expect(due[i]! - due[i - 1]!).toBe(1000);

  await api('user_001', 'DELETE', `/api/v1/reminders/${r.id}`);
  await sleep(1500); // an occurrence already being delivered when the delete landed may still arrive
  const afterDelete = remindersOf(a, r.id).length;
  await sleep(3000);
  expect(remindersOf(a, r.id)).toHaveLength(afterDelete);
  expect(await deliveryRows(r.id)).toHaveLength(0); // deliveries go with the reminder
});

test('a reminder due while the user is offline arrives on connect, once per device, until acknowledged', async () => {
  const r = await createReminder('user_002', { type: 'once', run_at: inMs(1000) });
  await waitFor('the delivery to be recorded', async () => (await deliveryRows(r.id)).length === 1);
  const phone = await device('user_002', 'phone-0001');
  const missed = await phone.next((f) => f.type === 'reminder' && f.reminder_id === r.id, 10000);
  expect(missed).toMatchObject({ on_connect: true, message: r.message });

  // The same device reconnecting does not get it again; another device (not yet told) does.
  phone.close();
  const phoneAgain = await device('user_002', 'phone-0001');
  const laptop = await device('user_002', 'laptop-0001');
  await laptop.next((f) => f.type === 'reminder' && f.reminder_id === r.id, 10000);
  await sleep(1000);
  expect(remindersOf(phoneAgain, r.id)).toHaveLength(0);

  // Read on one device = read on all: both get `reminders_read`, and a new device gets nothing.
  laptop.send({ type: 'acknowledge', data: { delivery_ids: [missed.delivery_id] }, request_id: 'ack-1' });
  const ack = await laptop.next((f) => f.type === 'status_update' && (f.data as { request_id?: string } | null)?.request_id === 'ack-1');
  expect(ack.data).toMatchObject({ delivery_ids: [missed.delivery_id] });
  await phoneAgain.next((f) => f.type === 'reminders_read' && (f.delivery_ids as string[]).includes(String(missed.delivery_id)));
  expect((await deliveryRows(r.id))[0]!.read_at).not.toBeNull();
  const tablet = await device('user_002', 'tablet-0001');
  await sleep(1000);
  expect(remindersOf(tablet, r.id)).toHaveLength(0);
});

test('an edited reminder fires with its new text only; the old schedule never fires', async () => {
  const a = await device('user_001');
  const r = await createReminder('user_001', { type: 'once', run_at: inMs(1500) });
  const edited = (await api('user_001', 'PUT', `/api/v1/reminders/${r.id}`, { title: '改过', message: '新的提醒', schedule: { type: 'once', run_at: inMs(3000) } })) as { id: string };
  expect(edited.id).toBe(r.id);
  const f = await a.next((x) => x.type === 'reminder' && x.reminder_id === r.id, 15000);
  expect(f).toMatchObject({ title: '改过', message: '新的提醒' });
  await sleep(1500);
  expect(remindersOf(a, r.id)).toHaveLength(1);
});

test('a smart reminder is phrased by the model, and falls back to its plain text when the provider fails', async () => {
  const a = await device('user_001');
  // A short answer, as the prompt asks of the model (the simulator's default answers are long).
  const smart = await createReminder('user_001', { type: 'once', run_at: inMs(1000) }, { smart: true, message: `多喝水 [[sim:tokens=12]] ${randomUUID()}` });
  const phrased = await a.next((f) => f.type === 'reminder' && f.reminder_id === smart.id, 20000);
  const asked = sys.sim.transcripts().find((t) => t.lastUserMessage.includes(smart.message));
  expect(asked).toBeDefined();
  expect(phrased).toMatchObject({ smart: true, message: asked!.content.trim() });

  // The provider refuses (400: no retry), so the plain text goes out at once.
  const failing = await createReminder('user_001', { type: 'once', run_at: inMs(1000) }, { smart: true, message: `多走走 [[sim:status=400]] ${randomUUID()}` });
  const plain = await a.next((f) => f.type === 'reminder' && f.reminder_id === failing.id, 20000);
  expect(plain).toMatchObject({ smart: false, message: failing.message });
});
