import { randomUUID } from 'node:crypto';
import { checkGeneration } from './support/checks';
import { startTestSystem, type TestSystem } from './support/system';
import { connect, isTerminal, type Frame, type TestClient } from './support/ws-client';

// The client of the original's usage guide (WEBSOCKET_USAGE.md of the Phase IV service), as its
// users run it: it makes its own conversation id (`conv_<ms>_<random>`, or the guide's literal
// `conv_123`), sends questions without waiting, and appends every `chat_stream` delta to "the
// message on screen" whatever its message_id. Issue 14: it must work unchanged.
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ workers: 2 });
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

const guideConversationId = () => `conv_${Date.now()}_${Math.random().toString(36).slice(2, 11)}`;
const slow = (text: string) => `${text} [[sim:tps=150]] ${randomUUID()}`;
const providerText = (message: string) => sys.sim.transcripts().find((t) => t.lastUserMessage === message)?.content;
const promptOf = (message: string) =>
  (sys.sim.transcripts().find((t) => t.lastUserMessage === message)?.messages ?? []) as { role: string; content: string }[];

/** What the guide's client shows: every delta appended to the current message, a new one after each `done`. */
const naiveScreen = (frames: Frame[]): string[] => {
  const shown: string[] = [''];
  for (const f of frames) {
    if (f.type === 'chat_stream') shown[shown.length - 1] += String(f.delta);
    if (f.type === 'status_update' && f.status === 'done') shown.push('');
  }
  return shown.slice(0, -1);
};

const ask = (c: TestClient, message: string, conversationId: string) => {
  const requestId = randomUUID();
  c.send({ type: 'health_chat', data: { message }, conversation_id: conversationId, request_id: requestId });
  return requestId;
};
const messageIdOf = async (c: TestClient, requestId: string) =>
  String((await c.next((f) => f.status === 'sending' && (f.data as { request_id?: string } | null)?.request_id === requestId, 60000)).message_id);

test('a conversation id the client made itself starts a conversation of that user', async () => {
  const c = await connect(await sys.wsUrl('guide_user'));
  const conversationId = guideConversationId();
  const message = `自己的会话 ${randomUUID()}`;
  const messageId = await messageIdOf(c, ask(c, message, conversationId));
  await c.next((f) => isTerminal(f, messageId), 60000);
  const { status, text } = checkGeneration(c.generation(messageId));
  expect(status).toBe('done');
  expect(text).toBe(providerText(message));
  expect(c.generation(messageId).every((f) => f.conversation_id === conversationId)).toBe(true);
  const stored = await sys.db.query('SELECT role FROM messages WHERE user_id = $1 AND conversation_id = $2 ORDER BY created_at', ['guide_user', conversationId]);
  expect(stored.rows.map((r) => r.role)).toEqual(['user', 'assistant']);
  c.close();
});

test('the guide’s literal conv_123 works for every user who uses it, each in a conversation of their own', async () => {
  const users = ['guide_a', 'guide_b'];
  const asked: string[] = [];
  for (const user of users) {
    const c = await connect(await sys.wsUrl(user));
    const message = `${user} 的 conv_123 ${randomUUID()}`;
    asked.push(message);
    const messageId = await messageIdOf(c, ask(c, message, 'conv_123'));
    await c.next((f) => isTerminal(f, messageId), 60000);
    expect(checkGeneration(c.generation(messageId)).status).toBe('done');
    c.close();
  }
  // The second user's prompt holds nothing of the first user's conv_123.
  expect(promptOf(asked[1]!).filter((m) => m.role !== 'system').map((m) => m.content)).toEqual([asked[1]]);
  const owners = await sys.db.query<{ user_id: string }>(`SELECT user_id FROM conversations WHERE id = 'conv_123' ORDER BY user_id`);
  expect(owners.rows.map((r) => r.user_id)).toEqual(users);
});

test('two questions back to back in one conversation: answered one after the other, never interleaved', async () => {
  const c = await connect(await sys.wsUrl('back_to_back'));
  const conversationId = guideConversationId();
  const first = slow('第一个问题');
  const second = slow('第二个问题');
  const ids = [await messageIdOf(c, ask(c, first, conversationId)), await messageIdOf(c, ask(c, second, conversationId))];
  await c.next((f) => isTerminal(f, ids[1]), 120000);
  const streamed = c.frames.filter((f) => f.type === 'chat_stream');
  // Every delta of the first answer comes before any delta of the second.
  const owners = streamed.map((f) => f.message_id);
  expect(owners.indexOf(ids[1])).toBe(owners.lastIndexOf(ids[0]) + 1);
  expect(naiveScreen(c.frames)).toEqual([providerText(first), providerText(second)]);
  for (const id of ids) expect(checkGeneration(c.generation(id)).status).toBe('done');
  // The second waited in `sending` and its prompt holds the first exchange.
  const prompt = promptOf(second).filter((m) => m.role !== 'system');
  expect(prompt.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
  expect(prompt[0]!.content).toBe(first);
  expect(prompt[1]!.content).toBe(providerText(first));
  c.close();
});

test('different conversations still run side by side', async () => {
  const c = await connect(await sys.wsUrl('side_by_side'));
  const messages = [slow('会话一'), slow('会话二')];
  const ids = [await messageIdOf(c, ask(c, messages[0]!, guideConversationId())), await messageIdOf(c, ask(c, messages[1]!, guideConversationId()))];
  await c.next((f) => isTerminal(f, ids[0]), 120000);
  await c.next((f) => isTerminal(f, ids[1]), 120000);
  const owners = c.frames.filter((f) => f.type === 'chat_stream').map((f) => f.message_id);
  // Both streamed at once: the second answer began before the first ended.
  expect(owners.indexOf(ids[1])).toBeLessThan(owners.lastIndexOf(ids[0]));
  c.close();
});

test('a waiting question can be cancelled; the one after it then runs, and the running one is unaffected', async () => {
  const c = await connect(await sys.wsUrl('cancel_waiting'));
  const conversationId = guideConversationId();
  const [a, b, d] = [slow('进行中'), slow('排队后取消'), slow('再下一个')];
  const first = await messageIdOf(c, ask(c, a, conversationId));
  const waiting = await messageIdOf(c, ask(c, b, conversationId));
  c.send({ type: 'cancel', data: { message_id: waiting } });
  await c.next((f) => isTerminal(f, waiting), 60000);
  expect(checkGeneration(c.generation(waiting)).status).toBe('cancelled');
  const third = await messageIdOf(c, ask(c, d, conversationId));
  await c.next((f) => isTerminal(f, third), 120000);
  expect(checkGeneration(c.generation(first)).status).toBe('done');
  expect(checkGeneration(c.generation(third)).status).toBe('done');
  expect(providerText(b)).toBeUndefined();
  const prompt = promptOf(d).filter((m) => m.role !== 'system').map((m) => m.content);
  expect(prompt).toEqual([a, providerText(a), d]);
  c.close();
});

test('another device resumes a waiting question from last_seq 0 and sees it answered in turn', async () => {
  const url = await sys.wsUrl('waiting_resume');
  const phone = await connect(url);
  const conversationId = guideConversationId();
  const first = await messageIdOf(phone, ask(phone, slow('手机问题一'), conversationId));
  const waiting = await messageIdOf(phone, ask(phone, slow('手机问题二'), conversationId));
  phone.terminate();
  const laptop = await connect(url);
  laptop.send({ type: 'resume', data: { message_id: waiting, last_seq: 0 } });
  await laptop.next((f) => isTerminal(f, waiting), 120000);
  const frames = laptop.generation(waiting);
  expect(checkGeneration(frames).status).toBe('done');
  expect(laptop.frames.some((f) => f.type === 'status_update' && f.status === 'done' && f.message_id === first)).toBe(true);
  laptop.close();
});
