import { testRedis } from '@aurawell/testkit';
import { randomUUID } from 'node:crypto';
import { createKeys } from '@aurawell/platform';
import { checkGeneration } from './support/checks';
import { readSse } from './support/sse';
import { startTestSystem, type TestSystem } from './support/system';
import { chat, connect } from './support/ws-client';

// The REST chat routes answer through the same queue and worker as the WebSocket.
let sys: TestSystem;
let token: string;

beforeAll(async () => {
  sys = await startTestSystem();
  token = await sys.tokens.issue('rest_user');
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

const api = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${sys.stack.edgeUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, any>) : null };
};

const simulatorText = (message: string) => sys.sim.transcripts().find((t) => t.lastUserMessage === message)!.content;

test('POST /api/v1/chat answers with the model’s text and stores the turn', async () => {
  const message = `REST 问题 ${randomUUID()}`;
  const { status, body } = await api('POST', '/api/v1/chat', { message });
  expect(status).toBe(200);
  expect(body).toMatchObject({ success: true, status: 'success', data: null, user_id: 'rest_user', tools_used: [] });
  expect(body!.reply).toBe(simulatorText(message));
  expect(body!.conversation_id).toMatch(/^conv_rest_user_\d+_[A-Za-z0-9_-]{16}$/);
  const list = await api('GET', '/api/v1/chat/conversations');
  const conv = list.body!.conversations.find((c: { id: string }) => c.id === body!.conversation_id);
  expect(conv).toMatchObject({ message_count: 2, last_message: body!.reply, status: 'active' });
});

test('POST /api/v1/chat/message keeps a conversation, with follow-ups saved beside the answer', async () => {
  const first = await api('POST', '/api/v1/chat/message', { message: `最近失眠怎么办 ${randomUUID()}` });
  expect(first.status).toBe(200);
  expect(first.body!.message_id).toMatch(/^msg_[0-9a-f]{12}$/);
  expect(first.body!.suggestions.map((s: { action: string }) => s.action)).toEqual(['learn_more', 'try_technique']);
  expect(first.body!.quick_replies).toHaveLength(4);
  const conversationId = first.body!.conversation_id;
  const second = await api('POST', '/api/v1/chat/message', { message: `今天天气 ${randomUUID()}`, conversation_id: conversationId });
  expect(second.body).toMatchObject({ conversation_id: conversationId, suggestions: [], quick_replies: [] });
  // The model saw the first exchange as history.
  const prompt = sys.sim.transcripts().find((t) => t.lastUserMessage.startsWith('今天天气'))!.messages as { role: string }[];
  expect(prompt.filter((m) => m.role !== 'system').map((m) => m.role)).toEqual(['user', 'assistant', 'user']);

  const history = await api('GET', `/api/v1/chat/history?conversation_id=${conversationId}&limit=3`);
  expect(history.body).toMatchObject({ total: 4, has_more: true });
  expect(history.body!.messages.map((m: { sender: string }) => m.sender)).toEqual(['user', 'agent', 'user']);
  expect(history.body!.messages[1]).toMatchObject({ id: first.body!.message_id, content: first.body!.reply });
  expect(history.body!.messages[1].suggestions).toHaveLength(2);
  const rest = await api('GET', `/api/v1/chat/history?conversation_id=${conversationId}&offset=3`);
  expect(rest.body).toMatchObject({ total: 4, has_more: false });
  expect(rest.body!.messages[0]).toMatchObject({ sender: 'agent', content: second.body!.reply });
});

test('a provider failure in /chat/message still answers 200 with the apology; /chat answers 500', async () => {
  const failing = `[[sim:status=400]] 出错 ${randomUUID()}`;
  const msg = await api('POST', '/api/v1/chat/message', { message: failing });
  expect(msg.status).toBe(200);
  expect(msg.body).toMatchObject({ reply: '抱歉，AI 健康助手暂时无法回答您的问题，请稍后再试。', suggestions: [], quick_replies: [] });
  expect(msg.body!.message_id).toMatch(/^msg_/);
  const direct = await api('POST', '/api/v1/chat', { message: failing });
  expect(direct.status).toBe(500);
  expect(direct.body).toMatchObject({ success: false, error_code: 'SYSTEM_1701' });
});

test('conversations of other users are not found; the same id is a conversation of one’s own; delete answers the minimal shape once', async () => {
  const mine = await api('POST', '/api/v1/chat/conversation', { type: 'health_consultation' });
  expect(mine.body).toEqual({ conversation_id: expect.stringMatching(/^conv_rest_user_/), type: 'health_consultation', created_at: expect.any(String), title: null, status: 'active' });
  await api('POST', '/api/v1/chat/message', { message: `我的问题 ${randomUUID()}`, conversation_id: mine.body!.conversation_id });
  const stranger = await sys.tokens.issue('someone_else');
  const asStranger = { authorization: `Bearer ${stranger}` };
  expect((await api('GET', `/api/v1/chat/history?conversation_id=${mine.body!.conversation_id}`, undefined, asStranger)).status).toBe(404);
  expect((await api('DELETE', `/api/v1/chat/conversation/${mine.body!.conversation_id}`, undefined, asStranger)).status).toBe(404);
  // Conversation ids are per user: naming another user's id talks in a conversation of one's own.
  const own = await api('POST', '/api/v1/chat/message', { message: 'hi', conversation_id: mine.body!.conversation_id }, asStranger);
  expect(own).toMatchObject({ status: 200, body: { conversation_id: mine.body!.conversation_id } });
  const theirs = await api('GET', `/api/v1/chat/history?conversation_id=${mine.body!.conversation_id}`, undefined, asStranger);
  expect(theirs.body!.messages.map((m: { content: string }) => m.content)[0]).toBe('hi');
  const ours = await api('GET', `/api/v1/chat/history?conversation_id=${mine.body!.conversation_id}`);
  expect(ours.body!.messages.map((m: { content: string }) => m.content)[0]).toMatch(/^我的问题 /);
  expect(ours.body!.total).toBe(2);
  const deleted = await api('DELETE', `/api/v1/chat/conversation/${mine.body!.conversation_id}`);
  expect(deleted).toEqual({ status: 200, body: { success: true, message: 'Conversation deleted successfully' } });
  expect((await api('DELETE', `/api/v1/chat/conversation/${mine.body!.conversation_id}`)).status).toBe(404);
});

test('turns that went over the WebSocket show in the REST history', async () => {
  const ws = await connect(await sys.wsUrl('rest_user', `token=${token}`));
  const { frames } = await chat(ws, `WebSocket 的问题 ${randomUUID()}`);
  ws.close();
  const conversationId = String(frames[0]!.conversation_id);
  const history = await api('GET', `/api/v1/chat/history?conversation_id=${conversationId}`);
  expect(history.body!.messages.map((m: { sender: string; content: string }) => [m.sender, m.content])).toEqual([
    ['user', expect.stringContaining('WebSocket 的问题')],
    ['agent', checkGeneration(frames).text],
  ]);
});

const postStream = (body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(`${sys.stack.edgeUrl}/api/v1/chat/stream`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
    signal,
  });

test('the SSE fallback streams the WebSocket frames and ends with exactly the model’s text', async () => {
  const message = `SSE 问题 ${randomUUID()}`;
  const res = await postStream({ message });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const events = await readSse(res);
  const frames = events.map((e) => e.frame);
  const { status, text } = checkGeneration(frames);
  expect(status).toBe('done');
  expect(text).toBe(simulatorText(message));
  expect(events.every((e) => e.id === `${e.frame.message_id}:${e.frame.seq}` && e.event === e.frame.type)).toBe(true);
});

test('a dropped SSE stream resumes with Last-Event-ID, without gap or repeat', async () => {
  const message = `SSE 续传 [[sim:tps=60]] ${randomUUID()}`;
  const controller = new AbortController();
  const first = await readSse(await postStream({ message }, {}, controller.signal), (ev) => ev.length >= 6, controller);
  const last = first[first.length - 1]!;
  const rest = await readSse(await postStream({}, { 'last-event-id': last.id! }));
  const frames = [...first, ...rest].map((e) => e.frame);
  const { status, text } = checkGeneration(frames);
  expect(status).toBe('done');
  expect(text).toBe(simulatorText(message));
});

test('SSE refusals are plain HTTP errors: bad body 422, unknown generation 404', async () => {
  const bad = await postStream({ type: 'health_chat' });
  expect(bad.status).toBe(422);
  const unknown = await postStream({}, { 'last-event-id': `${randomUUID()}:3` });
  expect(unknown.status).toBe(404);
});

test('comprehensive advice comes from the model through the worker, parsed into the five sections', async () => {
  const { status, body } = await api('POST', '/api/v1/health/advice/comprehensive', { goal_type: 'weight_loss', duration_weeks: 6 });
  expect(status).toBe(200);
  const advice = body!.data.advice as Record<string, { title: string; content: string; recommendations: string[] }>;
  expect(Object.keys(advice)).toEqual(['diet', 'exercise', 'weight', 'sleep', 'mental_health']);
  expect(Object.values(advice).map((s) => s.title)).toEqual(['饮食建议', '运动计划', '体重管理', '睡眠优化', '心理健康']);
  for (const section of Object.values(advice)) expect(section.recommendations).toHaveLength(3);
  const request = sys.sim.transcripts().find((t) => t.lastUserMessage.includes('计划周期 6 周'))!;
  expect(JSON.stringify(request.messages)).toContain('基础代谢');
  expect(advice.diet!.content).toBe(request.content.split('### 饮食建议\n')[1]!.split('\n\n')[0]);
  // One-off advice is not a conversation turn.
  const list = await api('GET', '/api/v1/chat/conversations');
  expect(list.body!.conversations.some((c: { id: string }) => c.id.startsWith('advice_'))).toBe(false);
});

test('quick advice is the model’s short answer; an unknown topic is 400 and a missing one 422', async () => {
  const quick = await api('POST', '/api/v1/health/advice/quick?topic=diet');
  expect(quick.status).toBe(200);
  const request = sys.sim.transcripts().filter((t) => t.lastUserMessage.includes('BMI')).pop()!;
  expect(quick.body!.data).toMatchObject({ topic: 'diet', user_id: 'rest_user', advice: request.content.trim() });
  expect((await api('POST', '/api/v1/health/advice/quick?topic=astrology')).status).toBe(400);
  expect((await api('POST', '/api/v1/health/advice/quick')).status).toBe(422);
});

test('an SSE resume past the replay window gets the stored answer in one terminal event', async () => {
  const message = `SSE 过期 ${randomUUID()}`;
  const events = await readSse(await postStream({ message }));
  const done = events[events.length - 1]!.frame;
  const messageId = String(done.message_id);
  const keys = createKeys(sys.prefix);
  const redis = testRedis();
  await redis.del(keys.generationMeta('rest_user', messageId), keys.generationFrames('rest_user', messageId));
  redis.disconnect();
  const again = await readSse(await postStream({}, { 'last-event-id': `${messageId}:3` }));
  expect(again).toHaveLength(1);
  expect(again[0]!.frame).toMatchObject({ type: 'status_update', status: 'done', data: { full_response: simulatorText(message), from_store: true } });
});
