import { chatStreamFrame, errorFrame, statusUpdateFrame, type SyncFrame, type UserMessageFrame } from '@aurawell/protocol';
import type { AuraWellClient } from './client';
import { FakeSocket, openClient, tick } from './fake-socket';
import type { RemoteGeneration } from './remote';

// Answers started on another device: followed as Generations with the same exactness as one's own.
const ref = { messageId: 'msg_r', conversationId: 'conv_r' };
const userMessage = (over: Partial<UserMessageFrame> = {}): UserMessageFrame => ({
  type: 'user_message',
  message_id: ref.messageId,
  conversation_id: ref.conversationId,
  kind: 'health',
  message: '我睡不好',
  active_member_id: null,
  origin_connection_id: 'other-conn',
  timestamp: '',
  ...over,
});
const syncFrame = (running: SyncFrame['running'], turns: SyncFrame['conversations'][number]['turns'] = []): SyncFrame & { request_id?: string } => ({
  type: 'sync',
  conversations: [{ conversation_id: ref.conversationId, title: null, updated_at: '', turns }],
  running,
  unread_reminders: 0,
  timestamp: '',
});

/** Every remote generation announced, with the texts its listener saw. */
const watchRemote = (client: AuraWellClient) => {
  const seen: { remote: RemoteGeneration; texts: string[] }[] = [];
  client.on('remote_generation', (remote) => {
    const texts: string[] = [];
    remote.generation.on('text', (t) => texts.push(t));
    seen.push({ remote, texts });
  });
  return seen;
};

beforeEach(() => (FakeSocket.all = []));

test('the sending frame that came just before the user_message is kept: the answer is exact, no resume needed', async () => {
  const { client, ws } = await openClient();
  const seen = watchRemote(client);
  ws.receive(statusUpdateFrame(ref, 1, 'sending', { request_id: 'their-request' }));
  ws.receive(userMessage());
  ws.receive(statusUpdateFrame(ref, 2, 'streaming'));
  ws.receive(chatStreamFrame(ref, 3, '早'));
  ws.receive(chatStreamFrame(ref, 4, '睡'));
  ws.receive(statusUpdateFrame(ref, 5, 'done', { full_response: '早睡' }));
  expect(seen).toHaveLength(1);
  const { remote, texts } = seen[0]!;
  expect(remote).toMatchObject({ message: '我睡不好', conversationId: 'conv_r', kind: 'health', activeMemberId: null, source: 'user_message' });
  expect(remote.generation.messageId).toBe('msg_r');
  expect(await remote.generation.ended).toMatchObject({ state: 'done', text: '早睡' });
  expect(texts).toEqual(['早', '早睡']);
  expect(ws.sentOf('resume')).toEqual([]);
});

test('a gap in another device’s answer is repaired with one resume, as for one’s own', async () => {
  const { client, ws } = await openClient();
  const seen = watchRemote(client);
  ws.receive(userMessage());
  ws.receive(statusUpdateFrame(ref, 1, 'sending'));
  ws.receive(chatStreamFrame(ref, 3, 'B'));
  ws.receive(chatStreamFrame(ref, 4, 'C'));
  expect(ws.sentOf('resume')).toEqual([{ type: 'resume', data: { message_id: 'msg_r', last_seq: 1 } }]);
  ws.receive(chatStreamFrame(ref, 2, 'A'));
  ws.receive(statusUpdateFrame(ref, 5, 'done', { full_response: 'ABC' }));
  expect((await seen[0]!.remote.generation.ended).text).toBe('ABC');
});

test('another device’s answer continues after a reconnect from its last seq', async () => {
  const { client, ws } = await openClient();
  const seen = watchRemote(client);
  ws.receive(userMessage());
  ws.receive(statusUpdateFrame(ref, 1, 'sending'));
  ws.receive(chatStreamFrame(ref, 2, 'A'));
  ws.drop(1006);
  await tick(30);
  const next = FakeSocket.last;
  next.accept();
  expect(next.sentOf('resume')).toEqual([{ type: 'resume', data: { message_id: 'msg_r', last_seq: 2 } }]);
  next.receive(chatStreamFrame(ref, 2, 'A'));
  next.receive(chatStreamFrame(ref, 3, 'B'));
  next.receive(statusUpdateFrame(ref, 4, 'done', { full_response: 'AB' }));
  expect((await seen[0]!.remote.generation.ended).text).toBe('AB');
  expect(seen).toHaveLength(1);
  client.close();
});

test('a running answer listed by sync is resumed from 0 and followed, with its question from the turns', async () => {
  const { client, ws } = await openClient();
  const seen = watchRemote(client);
  const synced = client.sync();
  const request = ws.sentOf('sync')[0]!;
  expect(request).toEqual({ type: 'sync', request_id: expect.any(String) });
  const turn = { role: 'user' as const, content: '我睡不好', message_id: 'msg_r', status: 'complete' as const, created_at: '' };
  ws.receive({ ...syncFrame([{ message_id: 'msg_r', conversation_id: 'conv_r', status: 'streaming', seq: 3 }], [turn]), request_id: request.request_id });
  expect((await synced).running).toHaveLength(1);
  expect(ws.sentOf('resume')).toEqual([{ type: 'resume', data: { message_id: 'msg_r', last_seq: 0 } }]);
  ws.receive(chatStreamFrame(ref, 4, 'D')); // live, before the replay
  ws.receive(statusUpdateFrame(ref, 1, 'sending'));
  ws.receive(statusUpdateFrame(ref, 2, 'streaming'));
  ws.receive(chatStreamFrame(ref, 3, 'C'));
  ws.receive(chatStreamFrame(ref, 4, 'D'));
  ws.receive(statusUpdateFrame(ref, 5, 'done', { full_response: 'CD' }));
  expect(seen.map((s) => s.remote)).toEqual([expect.objectContaining({ message: '我睡不好', source: 'sync', conversationId: 'conv_r' })]);
  expect((await seen[0]!.remote.generation.ended).text).toBe('CD');
  expect(ws.sentOf('resume')).toHaveLength(1);
});

test('a sync that lists this client’s own chat before its sending came: it stays the client’s own, never remote', async () => {
  const { client, ws } = await openClient();
  const seen = watchRemote(client);
  const own = client.healthChat('hi');
  const requestId = ws.sentOf('health_chat')[0]!.request_id;
  void client.sync();
  ws.receive({ ...syncFrame([{ message_id: 'msg_r', conversation_id: 'conv_r', status: 'sending', seq: 1 }]), request_id: ws.sentOf('sync')[0]!.request_id });
  ws.receive(statusUpdateFrame(ref, 1, 'sending', { request_id: requestId }));
  ws.receive(statusUpdateFrame(ref, 1, 'sending', { request_id: requestId })); // the replay
  ws.receive(chatStreamFrame(ref, 2, 'A'));
  ws.receive(statusUpdateFrame(ref, 3, 'done', { full_response: 'A' }));
  expect(await own.ended).toMatchObject({ state: 'done', text: 'A' });
  expect(seen).toEqual([]);
});

test('a sync does not bring back an answer that just ended here, and one gone from the server is dropped', async () => {
  const { client, ws } = await openClient();
  const seen = watchRemote(client);
  ws.receive(userMessage());
  ws.receive(statusUpdateFrame(ref, 1, 'done', { full_response: '' }));
  const gone = { messageId: 'msg_gone', conversationId: 'conv_r' };
  ws.receive(syncFrame([{ message_id: 'msg_r', conversation_id: 'conv_r', status: 'streaming', seq: 1 }, { message_id: 'msg_gone', conversation_id: 'conv_r', status: 'streaming', seq: 1 }]));
  expect(ws.sentOf('resume')).toEqual([{ type: 'resume', data: { message_id: 'msg_gone', last_seq: 0 } }]);
  ws.receive(errorFrame('GENERATION_NOT_FOUND', 'gone', { ref: gone }));
  ws.receive(chatStreamFrame(ref, 2, 'late'));
  expect(seen).toHaveLength(1);
});
