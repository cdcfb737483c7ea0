import { randomUUID } from 'node:crypto';
import { checkGeneration } from './support/checks';
import { endedWithin, SdkUser } from './support/sdk-client';
import { startTestSystem, type TestSystem } from './support/system';
import { chat, connect, type Frame } from './support/ws-client';

// The three services as separate processes behind the edge, on a database they migrate
// themselves, talking to the DeepSeek simulator through the openai SDK.
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem();
}, 120000);

afterAll(async () => {
  SdkUser.closeAll();
  await sys?.stop();
}, 60000);

const simulatorText = (message: string): string => {
  const sent = sys.sim.transcripts().filter((t) => t.lastUserMessage === message);
  expect(sent).toHaveLength(1);
  return sent[0]!.content;
};

const login = async (username: string, password: string): Promise<string> => {
  const res = await fetch(`${sys.stack.edgeUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { data: { access_token: string } };
  return body.data.access_token;
};

test('a demo user logs in, chats over the WebSocket and receives the simulator text exactly', async () => {
  const token = await login('demo_user', 'demo_password');
  const client = await connect(await sys.wsUrl('user_001', `token=${token}`));
  expect(client.frames[0]).toMatchObject({ type: 'connection_established', status: 'connected', user_id: 'user_001', heartbeat_interval: 30 });
  expect(typeof client.frames[0]!.connection_id).toBe('string');

  const message = `  我最近睡眠不好，晚上总是醒来，怎么办？ ${randomUUID()}  `;
  const { messageId, frames } = await chat(client, message);
  const { status, text, terminal } = checkGeneration(frames);
  expect(status).toBe('done');
  expect(frames.filter((f) => f.type === 'chat_stream').length).toBeGreaterThan(10);
  expect(frames.some((f) => f.type === 'reasoning_stream')).toBe(false);
  expect(text).toBe(simulatorText(message));
  expect(terminal.data).toMatchObject({ message_id: messageId, conversation_id: frames[0]!.conversation_id });

  // The user's words reached the model verbatim, with the personalised health prompt before them.
  const sent = sys.sim.transcripts().find((t) => t.lastUserMessage === message)!;
  const messages = sent.messages as { role: string; content: string }[];
  expect(messages[messages.length - 1]).toEqual({ role: 'user', content: message });
  expect(messages[0]!.content).toContain('AuraWell 健康助手');
  expect(messages.some((m) => m.role === 'system' && m.content.includes('近') && m.content.includes('步'))).toBe(true);

  // Both turns are stored.
  const { rows } = await sys.db.query('SELECT role, content, status FROM messages WHERE generation_id = $1 ORDER BY created_at', [messageId]);
  expect(rows).toEqual([
    { role: 'user', content: message, status: 'complete' },
    { role: 'assistant', content: text, status: 'complete' },
  ]);
  client.close();
});

test('the next chat on the same connection continues the conversation with its history', async () => {
  const client = await connect(await sys.wsUrl('user_002'));
  const first = await chat(client, `第一个问题 ${randomUUID()}`);
  const second = await chat(client, `第二个问题 ${randomUUID()}`, 'general_chat');
  checkGeneration(second.frames);
  expect(second.frames[0]!.conversation_id).toBe(first.frames[0]!.conversation_id);
  const secondPrompt = sys.sim.transcripts().find((t) => t.lastUserMessage.startsWith('第二个问题'))!;
  const roles = (secondPrompt.messages as { role: string }[]).map((m) => m.role);
  expect(roles).toEqual(['system', 'user', 'assistant', 'user']);
  client.close();
});

test('every device of the user receives the same generation', async () => {
  // Two devices of one user running the client SDK: the phone asks, the laptop sees the same frames.
  const device = async () => new SdkUser({ baseUrl: sys.stack.edgeUrl, userId: 'user_003', auth: { token: await sys.tokens.issue('user_003') } });
  const [phone, laptop] = await Promise.all([device(), device()]);
  await Promise.all([phone.opened(), laptop.opened()]);
  const message = `多设备 ${randomUUID()}`;
  const gen = phone.client.healthChat(message);
  const result = await endedWithin(gen);
  const messageId = gen.messageId!;
  const frames = phone.generation(messageId);
  const { status, text } = checkGeneration(frames);
  expect(status).toBe('done');
  expect(result).toMatchObject({ state: 'done', text: simulatorText(message) });
  expect(text).toBe(result.text);
  await laptop.next((f) => f.message_id === messageId && f.type === 'status_update' && f.status === 'done');
  // The laptop is also shown the phone's question (Phase V `user_message`), before the answer streams.
  const shown = laptop.frames.findIndex((f) => f.type === 'user_message' && f.message_id === messageId);
  expect(laptop.frames[shown]).toMatchObject({ message });
  expect(shown).toBeLessThan(laptop.frames.findIndex((f) => f.type === 'chat_stream' && f.message_id === messageId));
  expect(laptop.generation(messageId)).toEqual(frames);
  phone.close();
  laptop.close();
});

test('100 users chatting at once all complete, none loses or repeats a token', async () => {
  const users = Array.from({ length: 100 }, (_, i) => `load_user_${i}`);
  const clients = await Promise.all(users.map(async (u) => connect(await sys.wsUrl(u))));
  const messages = users.map((u) => `并发测试 ${u} ${randomUUID()}`);
  const results = await Promise.all(clients.map((c, i) => chat(c, messages[i]!)));
  results.forEach(({ frames }, i) => {
    const { status, text } = checkGeneration(frames);
    expect(status).toBe('done');
    expect(text).toBe(simulatorText(messages[i]!));
  });
  // No frame of anybody else's generation reached a client.
  clients.forEach((c, i) => {
    const own = new Set([results[i]!.messageId]);
    expect(c.frames.filter((f: Frame) => f.message_id && !own.has(String(f.message_id)))).toEqual([]);
    c.close();
  });
}, 120000);
