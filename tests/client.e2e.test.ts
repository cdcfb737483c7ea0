import { randomUUID } from 'node:crypto';
import { WebSocket } from 'ws';
import { freePort } from '@aurawell/devstack';
import { createAuraWellClient, type AuraWellClient, type ClientOptions, type ConnectionState, type Generation, type RemoteGeneration, type WebSocketConstructor } from '@aurawell/client';
import type { ReminderFrame, RemindersReadFrame } from '@aurawell/protocol';
import { startTestSystem, type TestSystem } from './support/system';

// The SDK (packages/client) against the real system: two gateways behind the edge, the api, a
// worker and the simulator, all separate processes. Node 20 has no global WebSocket: the `ws`
// package's class is passed in, as a Node application would.
let sys: TestSystem;
const clients: AuraWellClient[] = [];

beforeAll(async () => {
  // Four connections per user: when gateway 0 dies, its two connections of one user still count
  // (until its liveness key lapses) while both devices reconnect.
  sys = await startTestSystem({ gateways: 2, serviceEnv: { 'ws-gateway': { MAX_CONNECTIONS_PER_USER: '4' } } });
}, 120000);

afterAll(async () => {
  clients.forEach((c) => c.close());
  await sys?.stop();
}, 60000);

const wsOf = (httpUrl: string) => httpUrl.replace(/^http/, 'ws');
const fast = { initialMs: 50, maxMs: 500 };

/** A client whose connection states (and WebSocket constructions) the test can inspect. */
const open = async (userId: string, opts: Partial<ClientOptions> = {}) => {
  const constructed: string[] = [];
  class CountingWebSocket extends WebSocket {
    constructor(url: string) {
      super(url);
      constructed.push(url);
    }
  }
  const client = createAuraWellClient({
    baseUrl: sys.stack.edgeUrl,
    userId,
    auth: { token: await sys.tokens.issue(userId) },
    WebSocket: CountingWebSocket as unknown as WebSocketConstructor,
    backoff: fast,
    ...opts,
  });
  clients.push(client);
  const states: ConnectionState[] = [client.state];
  client.on('state', (s) => states.push(s));
  return { client, states, constructed };
};

const untilState = (client: AuraWellClient, state: ConnectionState, timeoutMs = 20000) =>
  new Promise<void>((resolve, reject) => {
    if (client.state === state) return resolve();
    const timer = setTimeout(() => reject(new Error(`state ${client.state}, never ${state}`)), timeoutMs);
    const off = client.on('state', (s) => s === state && (clearTimeout(timer), off(), resolve()));
  });

/** Every text the application saw; each must extend the previous one (one continuous text). */
const watchText = (gen: Generation) => {
  const seen: string[] = [];
  gen.on('text', (t) => seen.push(t));
  return seen;
};

const expectContinuous = (seen: string[], final: string) => {
  expect(seen.length).toBeGreaterThan(1);
  seen.forEach((t, i) => expect(final.startsWith(t) && (i === 0 || t.startsWith(seen[i - 1]!))).toBe(true));
  expect(seen[seen.length - 1]).toBe(final);
};

const simulatorText = (message: string): string => {
  const t = sys.sim.transcripts().find((x) => x.lastUserMessage === message);
  if (!t) throw new Error(`the simulator never got ${message}`);
  return t.content;
};

test('a chat completes with exactly the simulator’s text, through typed frame events and the generation', async () => {
  const { client, states } = await open('sdk_plain');
  const streamed: string[] = [];
  client.on('chat_stream', (f) => streamed.push(f.delta));
  const message = `SDK 普通回答 ${randomUUID()}`;
  const gen = client.healthChat(message, { context: { mood: 'tired' } });
  const seen = watchText(gen);
  const statuses: string[] = [];
  gen.on('status', (s) => statuses.push(s));
  const result = await gen.ended;
  expect(result.state).toBe('done');
  expect(result.text).toBe(simulatorText(message));
  expect(result.done?.full_response).toBe(result.text);
  expect(gen.messageId).toMatch(/\S/);
  expect(streamed.join('')).toBe(result.text);
  expectContinuous(seen, result.text);
  expect(statuses).toEqual(['streaming', 'done']);
  expect(states).toEqual(['connecting', 'open']);
  // The session round trip works on the same socket.
  const status = await client.getStatus();
  expect(status.data).toMatchObject({ session: { user_id: 'sdk_plain' } });
});

test('cancel ends the generation with cancelled, also when asked before the server named it; a ticket, not the token, in the URL', async () => {
  const { client, constructed } = await open('sdk_cancel');
  const slow = client.healthChat(`SDK 取消 [[sim:tps=20]] ${randomUUID()}`);
  await new Promise<void>((resolve) => slow.once('text', () => resolve()));
  client.cancel(slow);
  expect((await slow.ended).state).toBe('cancelled');
  const early = client.generalChat(`SDK 立即取消 [[sim:tps=20]] ${randomUUID()}`);
  client.cancel(early);
  const result = await early.ended;
  expect(result.state).toBe('cancelled');
  expect(early.messageId).not.toBeNull();
  expect(constructed[0]).toMatch(/\?ticket=/);
  expect(constructed[0]).not.toMatch(/token=/);
});

// The ticket route refuses the token before any socket; with tokenInUrl the gateway closes 4001.
test.each([
  ['ticket', false, 0],
  ['token in the URL', true, 1],
])('a bad token (%s): closed with 4001, never retried, the chat ends with CONNECTION_CLOSED', async (_mode, tokenInUrl, sockets) => {
  const { client, states, constructed } = await open(`sdk_bad_${sockets}`, { auth: { token: 'not-a-jwt', tokenInUrl } });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => client.once('closed', resolve));
  const gen = client.healthChat('不会发送');
  expect((await closed).code).toBe(4001);
  expect((await gen.ended).error?.code).toBe('CONNECTION_CLOSED');
  // Well past several backoff delays: still one attempt.
  await new Promise((r) => setTimeout(r, 1500));
  expect(constructed).toHaveLength(sockets);
  expect(states).toEqual(['connecting', 'closed']);
  expect(client.state).toBe('closed');
});

test('the user’s connection limit full (4029): a client retries with growing waits and gets in once a place frees; one out of retries closes with 4029', async () => {
  const userId = `sdk_limit_${randomUUID().slice(0, 8)}`;
  const holders = await Promise.all([0, 1, 2, 3].map(() => open(userId)));
  await Promise.all(holders.map(({ client }) => untilState(client, 'open')));
  // Out of retries at once: refused, retried once, refused again, closed with the limit's code.
  const quitter = await open(userId, { tooManyConnectionsRetries: 1 });
  const closed = await new Promise<{ code: number }>((resolve) => quitter.client.once('closed', resolve));
  expect(closed.code).toBe(4029);
  expect(quitter.constructed).toHaveLength(2);
  expect(quitter.states).toEqual(['connecting', 'reconnecting', 'closed']);
  // The default five retries, spread over seconds here (slow backoff): a holder leaving lets it in.
  const waiter = await open(userId, { backoff: { initialMs: 400, maxMs: 4000 } });
  await untilState(waiter.client, 'reconnecting');
  holders[0]!.client.close();
  await untilState(waiter.client, 'open');
  expect(waiter.constructed.length).toBeGreaterThan(1);
  expect(waiter.states).toEqual(['connecting', 'reconnecting', 'open']);
  const message = `配额 ${randomUUID()}`;
  expect((await waiter.client.healthChat(message).ended).text).toBe(simulatorText(message));
  for (const c of [...holders, waiter]) c.client.close();
});

test('SSE fallback when the WebSocket never connects: exact text, and a dropped stream resumes with Last-Event-ID', async () => {
  const closedPort = await freePort();
  const posts: { lastEventId: string | null }[] = [];
  let tickets = 0;
  // The first response is cut after a few events, as a flaky proxy would.
  const cutting: typeof fetch = async (input, init) => {
    if (String(input).endsWith('/api/v1/ws/ticket')) {
      tickets += 1;
      return fetch(input, init);
    }
    const headers = new Headers(init?.headers);
    posts.push({ lastEventId: headers.get('last-event-id') });
    const res = await fetch(input, init);
    if (posts.length > 1 || !res.body) return res;
    const reader = res.body.getReader();
    let events = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { value, done } = await reader.read();
        if (done) return controller.close();
        controller.enqueue(value);
        events += new TextDecoder().decode(value).split('\n\n').length - 1;
        if (events >= 6) {
          await reader.cancel();
          controller.error(new Error('network cut'));
        }
      },
    });
    return new Response(body, { status: res.status, headers: res.headers });
  };
  const { client, states } = await open('sdk_sse', { wsUrl: `ws://127.0.0.1:${closedPort}`, fetch: cutting, fallbackAfter: 2 });
  const message = `SDK SSE 回退 [[sim:tps=60]] ${randomUUID()}`;
  const gen = client.healthChat(message);
  const seen = watchText(gen);
  const result = await gen.ended;
  expect(states).toEqual(['connecting', 'reconnecting', 'fallback']);
  expect(tickets).toBe(2); // one per WebSocket attempt
  expect(result.state).toBe('done');
  expect(result.text).toBe(simulatorText(message));
  expectContinuous(seen, result.text);
  expect(posts.length).toBeGreaterThanOrEqual(2);
  expect(posts[0]!.lastEventId).toBeNull();
  expect(posts[1]!.lastEventId).toMatch(new RegExp(`^${gen.messageId}:\\d+$`));
}, 60000);

/** The next event of this kind that passes `pick`. */
const nextEvent = <T>(subscribe: (listener: (v: T) => void) => () => void, pick: (v: T) => boolean = () => true, timeoutMs = 20000) =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => (off(), reject(new Error('event never came'))), timeoutMs);
    const off = subscribe((v) => pick(v) && (clearTimeout(timer), off(), resolve(v)));
  });

/** Resolves with the next remote generation, its text watched from its first frame. */
const nextRemote = (client: AuraWellClient) =>
  nextEvent<{ remote: RemoteGeneration; seen: string[] }>((l) => client.on('remote_generation', (remote) => l({ remote, seen: watchText(remote.generation) })));

test('two devices of one user: the question asked on one is followed on the other as a remote generation, exactly', async () => {
  const { client: phone } = await open('user_001', { deviceId: 'sdk-phone-0001' });
  const { client: laptop, constructed } = await open('user_001', { deviceId: 'sdk-laptop-0001' });
  await Promise.all([untilState(phone, 'open'), untilState(laptop, 'open')]);
  expect(constructed[0]).toMatch(/&device_id=sdk-laptop-0001$/);
  const ownRemotes: RemoteGeneration[] = [];
  phone.on('remote_generation', (r) => ownRemotes.push(r));
  const followed = nextRemote(laptop);
  const message = `SDK 另一台设备 [[sim:tps=60]] ${randomUUID()}`;
  const gen = phone.healthChat(message);
  const { remote, seen } = await followed;
  expect(remote).toMatchObject({ message, kind: 'health', source: 'user_message', activeMemberId: null });
  const [own, theirs] = await Promise.all([gen.ended, remote.generation.ended]);
  expect(theirs.state).toBe('done');
  expect(theirs.text).toBe(simulatorText(message));
  expect(own.text).toBe(theirs.text);
  expect(remote.generation.messageId).toBe(gen.messageId);
  expect(remote.conversationId).toBe(own.done?.conversation_id);
  expectContinuous(seen, theirs.text);
  expect(ownRemotes).toEqual([]); // the asking device is not told of its own question
  phone.close();
  laptop.close();
});

test('a device that connects mid-answer and syncs follows the running answer from the start, exactly', async () => {
  const { client: phone } = await open('sdk_sync');
  const message = `SDK 同步 [[sim:tps=25]] ${randomUUID()}`;
  const gen = phone.healthChat(message);
  await new Promise<void>((resolve) => gen.once('text', () => resolve()));
  const { client: late } = await open('sdk_sync');
  await untilState(late, 'open');
  const followed = nextRemote(late);
  const synced = await late.sync();
  expect(synced.running.map((r) => r.message_id)).toContain(gen.messageId);
  const { remote, seen } = await followed;
  expect(remote.source).toBe('sync');
  const theirs = await remote.generation.ended;
  expect(theirs.text).toBe(simulatorText(message));
  expect(theirs.text).toBe((await gen.ended).text);
  expectContinuous(seen, theirs.text);
  phone.close();
  late.close();
}, 60000);

test('a reminder created over REST reaches the devices; acknowledging it on one hides it on the other', async () => {
  const [{ client: a }, { client: b }] = [await open('user_002', { deviceId: 'sdk-rem-a-0001' }), await open('user_002', { deviceId: 'sdk-rem-b-0001' })];
  await Promise.all([untilState(a, 'open'), untilState(b, 'open')]);
  const message = `SDK 提醒 ${randomUUID()}`;
  const onA = nextEvent<ReminderFrame>((l) => a.on('reminder', l), (f) => f.message === message);
  const onB = nextEvent<ReminderFrame>((l) => b.on('reminder', l), (f) => f.message === message);
  const res = await fetch(`${sys.stack.edgeUrl}/api/v1/reminders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await sys.tokens.issue('user_002')}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: '喝水', message, schedule: { type: 'once', run_at: new Date(Date.now() + 2000).toISOString() } }),
  });
  expect(res.status).toBe(200);
  const [reminder, onOther] = await Promise.all([onA, onB]);
  expect(reminder).toMatchObject({ title: '喝水', on_connect: false, user_id: 'user_002' });
  expect(onOther.delivery_id).toBe(reminder.delivery_id);
  const readOnB = nextEvent<RemindersReadFrame>((l) => b.on('reminders_read', l), (f) => f.delivery_ids.includes(reminder.delivery_id));
  expect(await a.acknowledge([reminder.delivery_id])).toEqual([reminder.delivery_id]);
  await readOnB;
  expect(await a.acknowledge([reminder.delivery_id])).toEqual([]); // read already
  expect((await b.sync()).unread_reminders).toBe(0);
  a.close();
  b.close();
}, 60000);

// Last: it leaves gateway 0 dead.
test('gateway 0 killed mid-answer: the client fails over to the next URL, resumes and ends with the exact text; so does another device following it', async () => {
  const wsUrl = [wsOf(sys.stack.gatewayUrls[0]!), wsOf(sys.stack.gatewayUrls[1]!)];
  const { client, states, constructed } = await open('sdk_failover', { wsUrl });
  const { client: other, states: otherStates } = await open('sdk_failover', { wsUrl });
  await Promise.all([untilState(client, 'open'), untilState(other, 'open')]);
  const followed = nextRemote(other);
  const message = `SDK 网关故障 [[sim:tps=30]] ${randomUUID()}`;
  const gen = client.healthChat(message);
  const seen = watchText(gen);
  await new Promise<void>((resolve) => {
    const off = gen.on('frame', (f) => f.seq !== undefined && f.seq >= 8 && (off(), resolve()));
  });
  sys.stack.gateways[0]!.signal('SIGKILL');
  const result = await gen.ended;
  expect(result.state).toBe('done');
  expect(result.text).toBe(simulatorText(message));
  expect(result.done?.full_response).toBe(result.text);
  expectContinuous(seen, result.text);
  expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open']);
  // A fresh ticket for the reconnect (the first was spent), never the token.
  const tickets = constructed.map((url) => new URL(url).searchParams);
  expect(tickets.map((q) => [q.has('ticket'), q.has('token')])).toEqual([
    [true, false],
    [true, false],
  ]);
  expect(tickets[0]!.get('ticket')).not.toBe(tickets[1]!.get('ticket'));
  const { remote, seen: otherSeen } = await followed;
  expect((await remote.generation.ended).text).toBe(result.text);
  expectContinuous(otherSeen, result.text);
  expect(otherStates).toEqual(['connecting', 'open', 'reconnecting', 'open']);
}, 60000);
