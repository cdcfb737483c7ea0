import { ensureConversation, newConversationId, saveMessage } from '@aurawell/db';
import request from 'supertest';
import { addBareUser, bearerFor, envelopeOk, expectAuthRequired } from '../testing-health';
import { useTestApp, useTestEnv } from '../testing';

const titleOf = (conversationId: string) => `/api/v1/chat/conversation/${conversationId}/title`;
const env = useTestEnv();
const api = useTestApp(env);

const put = async (path: string, userId: string, body: unknown) => request(api.app).put(path).set('Authorization', await bearerFor(api, userId)).send(body as object);
const listed = async (userId: string) =>
  (await request(api.app).get('/api/v1/chat/conversations').set('Authorization', await bearerFor(api, userId))).body.conversations as { id: string; title: string | null }[];

/** A conversation of `userId` whose first question names it, as every entry point stores it. */
const askedConversation = async (userId: string, question: string, id = newConversationId(userId)): Promise<string> => {
  await ensureConversation(env.pool, { id, userId, memberId: null, create: true });
  await saveMessage(env.pool, { conversationId: id, userId, role: 'user', content: question, status: 'complete', generationId: null });
  return id;
};

test('needs a valid bearer token', () => expectAuthRequired(api.app, { method: 'put', path: titleOf('conv_x') }));

test('renames the caller’s conversation: the list shows the new title, trimmed, and keeps its order', async () => {
  const userId = await addBareUser(env.pool, 'ttl');
  const first = await askedConversation(userId, '我最近睡眠不好，怎么办？');
  const second = await askedConversation(userId, '每天走多少步合适？');
  expect((await listed(userId)).map((c) => [c.id, c.title])).toEqual([
    [second, '每天走多少步合适？'],
    [first, '我最近睡眠不好，怎么办？'],
  ]);
  const res = await put(titleOf(first), userId, { title: '  睡眠问题（11 月）  ' });
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ ...envelopeOk('Conversation renamed'), data: { conversation_id: first, title: '睡眠问题（11 月）' } });
  expect((await listed(userId)).map((c) => [c.id, c.title])).toEqual([
    [second, '每天走多少步合适？'],
    [first, '睡眠问题（11 月）'],
  ]);
  // A later turn does not put the first question back.
  await saveMessage(env.pool, { conversationId: first, userId, role: 'user', content: '还有别的办法吗？', status: 'complete', generationId: null });
  expect((await listed(userId)).find((c) => c.id === first)?.title).toBe('睡眠问题（11 月）');
});

test('another user’s conversation, even under the same id, or none, is not found and stays as it was', async () => {
  const owner = await addBareUser(env.pool, 'ttlown');
  const stranger = await addBareUser(env.pool, 'ttlstr');
  // Ids are per user: both have a conv_shared_1, the stranger may rename only their own.
  await askedConversation(owner, '血压偏高怎么调理？', 'conv_shared_1');
  for (const id of ['conv_shared_1', 'conv_nobody_1']) {
    const res = await put(titleOf(id), stranger, { title: '不是我的' });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ success: false, message: 'Conversation not found', data: null });
  }
  await askedConversation(stranger, '我的问题', 'conv_shared_1');
  expect((await put(titleOf('conv_shared_1'), stranger, { title: '我的' })).status).toBe(200);
  expect((await listed(owner)).map((c) => c.title)).toEqual(['血压偏高怎么调理？']);
  expect((await listed(stranger)).map((c) => c.title)).toEqual(['我的']);
});

test.each([
  ['missing', {}],
  ['empty', { title: '' }],
  ['only spaces', { title: '   ' }],
  ['101 characters', { title: 'a'.repeat(101) }],
  ['a NUL', { title: 'a\u0000b' }],
  ['a newline', { title: '第一行\n第二行' }],
  ['not a string', { title: 42 }],
])('a title that is %s is refused (422 naming the field)', async (_what, body) => {
  const userId = await addBareUser(env.pool, 'ttlbad');
  const id = await askedConversation(userId, '原来的标题');
  const res = await put(titleOf(id), userId, body);
  expect(res.status).toBe(422);
  expect(JSON.stringify(res.body)).toContain('title');
  expect((await listed(userId)).map((c) => c.title)).toEqual(['原来的标题']);
});

test('100 characters are fine', async () => {
  const userId = await addBareUser(env.pool, 'ttlmax');
  const id = await askedConversation(userId, '问题');
  expect((await put(titleOf(id), userId, { title: '长'.repeat(100) })).status).toBe(200);
});

test('is in the OpenAPI document with its body schema', async () => {
  const doc = (await request(api.app).get('/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, unknown> }>> };
  const op = doc.paths['/api/v1/chat/conversation/{conversation_id}/title']?.put;
  expect(op?.requestBody).toBeDefined();
  expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['200', '404', '422']));
});
