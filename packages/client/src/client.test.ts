import { chatStreamFrame, statusUpdateFrame } from '@aurawell/protocol';
import { FakeSocket, FakeTickets, fakeClient, openClient, tick } from './fake-socket';

const ref = { messageId: 'msg_1', conversationId: 'conv_1' };
const make = (fallbackAfter = 3) => fakeClient({ fallbackAfter });

beforeEach(() => {
  FakeSocket.all = [];
  FakeTickets.reset();
});

/** Starts a chat on an open socket and lets the server name it msg_1. */
const started = async () => {
  const client = make();
  await tick();
  const ws = FakeSocket.all[0]!;
  ws.accept();
  const gen = client.healthChat('hi');
  const requestId = ws.sent[0]!.request_id;
  ws.receive(statusUpdateFrame(ref, 1, 'sending', { request_id: requestId }));
  ws.receive(statusUpdateFrame(ref, 2, 'streaming'));
  ws.receive(chatStreamFrame(ref, 3, 'A'));
  return { client, ws, gen };
};

test('every connect takes a fresh ticket with the token as bearer: the URL carries the ticket, never the token (unless tokenInUrl)', async () => {
  const client = make();
  await tick();
  FakeSocket.last.drop(1006);
  await tick(30);
  expect(FakeTickets.requests).toEqual(Array(2).fill({ url: 'http://aw.test/api/v1/ws/ticket', authorization: 'Bearer t+/=' }));
  expect(FakeSocket.all.map((s) => s.url)).toEqual(['ws://aw.test/ws/chat/u1?ticket=tk1%2F%2B', 'ws://aw.test/ws/chat/u1?ticket=tk2%2F%2B']);
  client.close();

  const inUrl = fakeClient({ auth: { token: 't+/=', tokenInUrl: true } });
  await tick();
  expect(FakeSocket.last.url).toBe('ws://aw.test/ws/chat/u1?token=t%2B%2F%3D');
  expect(FakeTickets.requests).toHaveLength(2);
  inUrl.close();
});

test('a refused ticket (401): closed for good with 4001, no socket, no retry; the chat ends with CONNECTION_CLOSED', async () => {
  FakeTickets.statuses = [401];
  const client = make();
  const closed: unknown[] = [];
  client.on('closed', (c) => closed.push(c));
  const gen = client.healthChat('hi');
  await tick(50);
  expect(FakeTickets.requests).toHaveLength(1);
  expect(FakeSocket.all).toHaveLength(0);
  expect(closed).toEqual([{ code: 4001, reason: 'ticket refused: HTTP 401' }]);
  expect((await gen.ended).error?.code).toBe('CONNECTION_CLOSED');
});

test('a ticket route that fails (503) is tried again after a backoff; the socket then opens with the new ticket', async () => {
  FakeTickets.statuses = [503];
  const client = make();
  const states: string[] = [];
  client.on('state', (s) => states.push(s));
  await tick(30);
  expect(FakeTickets.requests).toHaveLength(2);
  expect(FakeSocket.all.map((s) => s.url)).toEqual(['ws://aw.test/ws/chat/u1?ticket=tk2%2F%2B']);
  FakeSocket.last.accept();
  expect(states).toEqual(['reconnecting', 'open']);
  client.close();
});

test.each([1001, 1006, 1012, 1013, 4000])('close %i: reconnects and resumes from the last contiguous seq', async (code) => {
  const { client, ws, gen } = await started();
  ws.drop(code);
  expect(client.state).toBe('reconnecting');
  await tick(30);
  const next = FakeSocket.all[1]!;
  next.accept();
  expect(next.sent).toEqual([{ type: 'resume', data: { message_id: 'msg_1', last_seq: 3 } }]);
  next.receive(chatStreamFrame(ref, 3, 'A')); // replay overlap: ignored
  next.receive(chatStreamFrame(ref, 4, 'B'));
  next.receive(statusUpdateFrame(ref, 5, 'done', { full_response: 'AB' }));
  expect((await gen.ended).text).toBe('AB');
});

test('close 4001: closed for good, with the reason', async () => {
  const { client, ws, gen } = await started();
  const closed: unknown[] = [];
  client.on('closed', (c) => closed.push(c));
  ws.drop(4001, 'no');
  await tick(50);
  expect(FakeSocket.all).toHaveLength(1);
  expect(client.state).toBe('closed');
  expect(closed).toEqual([{ code: 4001, reason: 'no' }]);
  expect((await gen.ended).error?.code).toBe('CONNECTION_CLOSED');
});

/** Refuses the client's next `n` connects with 4029, each once its socket exists. */
const refuseTooMany = async (n: number) => {
  const before = FakeSocket.all.length;
  for (let i = 1; i <= n; i += 1) {
    await until(() => FakeSocket.all.length === before + i);
    FakeSocket.last.drop(4029, 'Too many connections');
  }
};
const until = async (ok: () => boolean) => {
  while (!ok()) await tick(2);
};

test('close 4029 (the user’s connection limit is full) is retried: once a place frees up the client opens and resumes', async () => {
  const { client, ws, gen } = await started();
  const states: string[] = [];
  client.on('state', (s) => states.push(s));
  ws.drop(4029, 'Too many connections');
  await refuseTooMany(2);
  await until(() => FakeSocket.all.length === 4);
  const next = FakeSocket.last;
  next.accept();
  expect(states).toEqual(['reconnecting', 'open']);
  expect(next.sent).toEqual([{ type: 'resume', data: { message_id: 'msg_1', last_seq: 3 } }]);
  next.receive(statusUpdateFrame(ref, 4, 'done', { full_response: 'A' }));
  expect((await gen.ended).text).toBe('A');
  client.close();
});

test('close 4029 five times in a row: the client gives up, closed with 4029 as before, its chats ended', async () => {
  const { client, ws, gen } = await started();
  const closed: unknown[] = [];
  client.on('closed', (c) => closed.push(c));
  ws.drop(4029, 'Too many connections');
  await refuseTooMany(5);
  await until(() => client.state === 'closed');
  // The first socket and five retries; no sixth.
  expect(FakeSocket.all).toHaveLength(6);
  expect(closed).toEqual([{ code: 4029, reason: 'Too many connections' }]);
  expect((await gen.ended).error?.code).toBe('CONNECTION_CLOSED');
});

test('the 4029 budget is per outage: after an open, five more refusals are retried; tooManyConnectionsRetries: 0 restores final', async () => {
  const { client, ws } = await started();
  ws.drop(4029);
  await refuseTooMany(4);
  await until(() => FakeSocket.all.length === 6);
  FakeSocket.last.accept();
  FakeSocket.last.drop(4029);
  await refuseTooMany(4);
  await until(() => FakeSocket.all.length === 11);
  expect(client.state).toBe('reconnecting');
  FakeSocket.last.accept();
  expect(client.state).toBe('open');
  client.close();

  const strict = await openClient({ tooManyConnectionsRetries: 0 });
  strict.ws.drop(4029, 'no');
  expect(strict.client.state).toBe('closed');
});

test('a gap on a live connection asks for a resume once', async () => {
  const { ws, gen } = await started();
  ws.receive(chatStreamFrame(ref, 5, 'C'));
  ws.receive(chatStreamFrame(ref, 6, 'D'));
  const resumes = ws.sent.filter((f) => f.type === 'resume');
  expect(resumes).toEqual([{ type: 'resume', data: { message_id: 'msg_1', last_seq: 3 } }]);
  ws.receive(chatStreamFrame(ref, 4, 'B'));
  expect(gen.text).toBe('ABCD');
});

test('a resume that did not close the gap is asked again only after a while', async () => {
  const { ws, gen } = await started();
  ws.receive(chatStreamFrame(ref, 5, 'C'));
  const now = Date.now();
  const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 2500);
  ws.receive(chatStreamFrame(ref, 6, 'D'));
  clock.mockRestore();
  expect(ws.sentOf('resume')).toEqual([
    { type: 'resume', data: { message_id: 'msg_1', last_seq: 3 } },
    { type: 'resume', data: { message_id: 'msg_1', last_seq: 3 } },
  ]);
  ws.receive(chatStreamFrame(ref, 4, 'B'));
  expect(gen.text).toBe('ABCD');
});

test('a chat refused before it was named (TOO_MANY_GENERATIONS) ends in error', async () => {
  const client = make();
  await tick();
  const ws = FakeSocket.all[0]!;
  ws.accept();
  const gen = client.generalChat('hi');
  ws.receive({ type: 'error', error_code: 'TOO_MANY_GENERATIONS', message: 'busy', timestamp: '', request_id: ws.sent[0]!.request_id });
  expect((await gen.ended).error?.code).toBe('TOO_MANY_GENERATIONS');
});

test.each([
  [0, 'reconnecting'],
  [3, 'fallback'],
] as const)('fallbackAfter %i: after failures before any open the state is %s', async (fallbackAfter, state) => {
  const client = make(fallbackAfter);
  for (let i = 0; i < 5; i += 1) {
    await tick(30);
    FakeSocket.all[FakeSocket.all.length - 1]!.drop(1006);
    if (client.state === 'fallback') break;
  }
  expect(client.state).toBe(state);
  expect(FakeSocket.all.length).toBe(state === 'fallback' ? 3 : 5);
  client.close();
});
