import { testRedis } from '@aurawell/testkit';
import { randomUUID } from 'node:crypto';
import { createKeys } from '@aurawell/platform';
import { checkGeneration } from './support/checks';
import { startTestSystem, type TestSystem } from './support/system';
import { connect, isTerminal, type Frame } from './support/ws-client';

// Two gateways behind the edge: a reconnect may land on either one.
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ gateways: 2 });
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

const slowChat = (tag: string) => ({ type: 'health_chat', data: { message: `${tag} [[sim:tps=40]] ${randomUUID()}` } });

test('a client that drops mid-answer reconnects, resumes from its last seq and ends with the exact text', async () => {
  const url = await sys.wsUrl('resume_user');
  const first = await connect(url);
  const frame = slowChat('断线续传');
  first.send(frame);
  const sending = await first.next((f) => f.status === 'sending');
  const messageId = String(sending.message_id);
  await first.next((f) => f.type === 'chat_stream' && Number(f.seq) >= 8);
  first.terminate();
  const received = first.generation(messageId);
  const lastSeq = Number(received[received.length - 1]!.seq);

  const second = await connect(url);
  second.send({ type: 'resume', data: { message_id: messageId, last_seq: lastSeq } });
  await second.next((f) => isTerminal(f, messageId), 30000);
  const rest = second.generation(messageId).filter((f) => Number(f.seq) > lastSeq);
  const all: Frame[] = [...received, ...rest];
  const { status, text } = checkGeneration(all);
  expect(status).toBe('done');
  expect(text).toBe(sys.sim.transcripts().find((t) => t.lastUserMessage === frame.data.message)!.content);
  second.close();
});

test('resume after the answer finished replays everything from last_seq 0', async () => {
  const c = await connect(await sys.wsUrl('late_tab_user'));
  c.send({ type: 'general_chat', data: { message: `已完成的回答 ${randomUUID()}` } });
  const done = await c.next((f) => f.status === 'done');
  const original = c.generation(String(done.message_id));
  const tab = await connect(await sys.wsUrl('late_tab_user'));
  tab.send({ type: 'resume', data: { message_id: done.message_id, last_seq: 0 } });
  await tab.next((f) => isTerminal(f, String(done.message_id)));
  expect(tab.generation(String(done.message_id))).toEqual(original);
  c.close();
  tab.close();
});

test('after the replay window the stored answer serves a resume', async () => {
  const c = await connect(await sys.wsUrl('expired_user'));
  c.send({ type: 'general_chat', data: { message: `很久以前的回答 ${randomUUID()}` } });
  const done = await c.next((f) => f.status === 'done');
  const messageId = String(done.message_id);
  // What the retention expiry does to the generation's keys.
  const keys = createKeys(sys.prefix);
  const redis = testRedis();
  await redis.del(keys.generationMeta('expired_user', messageId), keys.generationFrames('expired_user', messageId));
  redis.disconnect();
  const later = await connect(await sys.wsUrl('expired_user'));
  later.send({ type: 'resume', data: { message_id: messageId, last_seq: 0 } });
  const fromStore = await later.next((f) => f.type === 'status_update' && f.message_id === messageId);
  expect(fromStore).toMatchObject({ status: 'done', data: { full_response: (done.data as { full_response: string }).full_response, from_store: true } });
  expect(fromStore.seq).toBeUndefined();
  c.close();
  later.close();
});

test('resume of an unknown or another user’s generation gets GENERATION_NOT_FOUND', async () => {
  const owner = await connect(await sys.wsUrl('owner_user'));
  owner.send({ type: 'general_chat', data: { message: `别人的回答 ${randomUUID()}` } });
  const done = await owner.next((f) => f.status === 'done');
  const stranger = await connect(await sys.wsUrl('stranger_user'));
  stranger.send({ type: 'resume', data: { message_id: done.message_id, last_seq: 0 } });
  const err = await stranger.next((f) => f.type === 'error');
  expect(err).toMatchObject({ error_code: 'GENERATION_NOT_FOUND', message_id: done.message_id });
  expect(stranger.frames.filter((f) => f.type === 'chat_stream')).toEqual([]);
  stranger.send({ type: 'cancel', data: { message_id: done.message_id } });
  await stranger.next((f) => f.type === 'error' && stranger.frames.indexOf(f) > stranger.frames.indexOf(err));
  owner.close();
  stranger.close();
});

test('cancel from a second device stops the generation for both, keeps and stores the partial answer, and aborts the provider request', async () => {
  const url = await sys.wsUrl('cancel_user');
  const phone = await connect(url);
  const laptop = await connect(url);
  const frame = slowChat('停止生成');
  phone.send(frame);
  const sending = await phone.next((f) => f.status === 'sending');
  const messageId = String(sending.message_id);
  await laptop.next((f) => f.message_id === messageId && f.type === 'chat_stream' && Number(f.seq) >= 5);
  laptop.send({ type: 'cancel', data: { message_id: messageId } });
  for (const device of [phone, laptop]) {
    const terminal = await device.next((f) => isTerminal(f, messageId));
    expect(terminal.status).toBe('cancelled');
    const { text } = checkGeneration(device.generation(messageId));
    expect((terminal.data as { partial_response: string }).partial_response).toBe(text);
  }
  const transcript = sys.sim.transcripts().find((t) => t.lastUserMessage === frame.data.message)!;
  await waitFor(() => transcript.aborted === true || sys.sim.transcripts().find((t) => t.id === transcript.id)!.aborted);
  const { rows } = await sys.db.query("SELECT status, content FROM messages WHERE generation_id = $1 AND role = 'assistant'", [messageId]);
  expect(rows).toEqual([{ status: 'cancelled', content: checkGeneration(phone.generation(messageId)).text }]);
  phone.close();
  laptop.close();
});

test('closing a tab is not a cancel: the other device gets the whole answer', async () => {
  const url = await sys.wsUrl('tab_close_user');
  const tab = await connect(url);
  const other = await connect(url);
  tab.send(slowChat('关闭标签页'));
  const sending = await tab.next((f) => f.status === 'sending');
  await tab.next((f) => f.type === 'chat_stream');
  tab.close();
  const terminal = await other.next((f) => isTerminal(f, String(sending.message_id)), 30000);
  expect(terminal.status).toBe('done');
  other.close();
});

const waitFor = async (cond: () => boolean, timeoutMs = 5000) => {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};
