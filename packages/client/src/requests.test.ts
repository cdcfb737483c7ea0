import { errorFrame, type StatusUpdateFrame } from '@aurawell/protocol';
import { FakeSocket, FakeTickets, fakeClient, openClient, tick } from './fake-socket';

// Device id, acknowledge and sync: the Phase V requests of the client.
beforeEach(() => {
  FakeSocket.all = [];
  FakeTickets.reset();
});

const ackReply = (requestId: unknown, ids: string[]): StatusUpdateFrame => ({
  type: 'status_update',
  status: 'done',
  message: '提醒已读',
  data: { delivery_ids: ids, request_id: requestId },
  conversation_id: null,
  message_id: null,
  timestamp: '',
});

test('the device id goes on every connect; a malformed one is refused at once', async () => {
  const client = fakeClient({ deviceId: 'web-Abc_123-xyz' });
  await tick();
  FakeSocket.last.drop(1006);
  await tick(30);
  expect(FakeSocket.all.map((s) => s.url)).toEqual([1, 2].map((n) => `ws://aw.test/ws/chat/u1?ticket=tk${n}%2F%2B&device_id=web-Abc_123-xyz`));
  client.close();
  expect(() => fakeClient({ deviceId: 'short' })).toThrow(/deviceId/);
  expect(() => fakeClient({ deviceId: 'has space in it' })).toThrow(/deviceId/);
});

test('acknowledge resolves with the newly read ids, in batches of at most 100', async () => {
  const { client, ws } = await openClient();
  const ids = Array.from({ length: 150 }, (_, i) => `d${i}`);
  const read = client.acknowledge(ids);
  const frames = ws.sentOf('acknowledge');
  expect(frames.map((f) => (f.data as { delivery_ids: string[] }).delivery_ids.length)).toEqual([100, 50]);
  ws.receive(ackReply(frames[1]!.request_id, ['d120']));
  ws.receive(ackReply(frames[0]!.request_id, ['d3']));
  expect(await read).toEqual(['d3', 'd120']);
  expect(await client.acknowledge([])).toEqual([]);
});

test('sync sends `since` and resolves with its own sync frame; a refusal rejects with the code', async () => {
  const { client, ws } = await openClient();
  const since = new Date('2026-11-24T10:00:00Z');
  const synced = client.sync(since);
  const request = ws.sentOf('sync')[0]!;
  expect(request.data).toEqual({ since: '2026-11-24T10:00:00.000Z' });
  const frame = { type: 'sync', conversations: [], running: [], unread_reminders: 2, timestamp: '', request_id: request.request_id };
  ws.receive({ ...frame, request_id: 'someone-else' });
  ws.receive(frame);
  expect(await synced).toMatchObject({ unread_reminders: 2 });

  const bad = client.sync('yesterday');
  ws.receive(errorFrame('VALIDATION_ERROR', 'since: invalid', { requestId: ws.sentOf('sync')[1]!.request_id as string }));
  await expect(bad).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
});

test('a request waiting when the connection drops is rejected', async () => {
  const { client, ws } = await openClient();
  const synced = client.sync();
  ws.drop(1006);
  await expect(synced).rejects.toThrow(/connection closed/);
  client.close();
});
