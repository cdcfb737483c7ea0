import { createConversation, saveMessage } from '@aurawell/db';
import request from 'supertest';
import { addActivity, addBareUser, bearerFor, envelopeOk, expectAuthRequired } from '../testing-health';
import { ISO_UTC, useTestApp, useTestEnv } from '../testing';
import { databaseToday } from '../health/store';

// The paths the original service added later for its own web client (issue 14): they answered 404 here.
const PROFILE = '/api/v1/user/profile/frontend';
const SUMMARY = '/api/v1/health/summary/frontend';
const messagesOf = (conversationId: string) => `/api/v1/chat/conversations/${conversationId}/messages`;
const env = useTestEnv();
const api = useTestApp(env);

const get = async (path: string, userId: string) => request(api.app).get(path).set('Authorization', await bearerFor(api, userId));
const put = async (path: string, userId: string, body: object) => request(api.app).put(path).set('Authorization', await bearerFor(api, userId)).send(body);

/** A conversation of `userId` with `turns` messages, alternating user and assistant. */
const conversationWith = async (userId: string, turns: number): Promise<string> => {
  const { id } = await createConversation(env.pool, { userId, type: 'health_consultation', metadata: {}, memberId: null });
  for (let i = 0; i < turns; i++) {
    await saveMessage(env.pool, { conversationId: id, userId, role: i % 2 ? 'assistant' : 'user', content: `turn ${i}`, status: 'complete', generationId: null });
  }
  return id;
};

describe('auth, as on the routes they stand for', () => {
  it.each([
    { method: 'get' as const, path: messagesOf('conv_x') },
    { method: 'get' as const, path: PROFILE },
    { method: 'put' as const, path: PROFILE },
    { method: 'get' as const, path: SUMMARY },
  ])('$method $path needs a valid bearer token', (call) => expectAuthRequired(api.app, call));
});

describe('GET /api/v1/chat/conversations/{id}/messages', () => {
  it('answers /chat/history’s page with conversation_id and total_count, which the original’s client reads', async () => {
    const userId = await addBareUser(env.pool, 'msgs');
    const id = await conversationWith(userId, 3);
    const res = await get(`${messagesOf(id)}?limit=2`, userId);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...envelopeOk('Chat history retrieved successfully'),
      data: null,
      messages: [
        { id: expect.any(String), sender: 'user', content: 'turn 0', timestamp: expect.stringMatching(ISO_UTC), suggestions: null, quick_replies: null },
        { id: expect.any(String), sender: 'agent', content: 'turn 1', timestamp: expect.stringMatching(ISO_UTC), suggestions: null, quick_replies: null },
      ],
      total: 3,
      has_more: true,
      conversation_id: id,
      total_count: 3,
    });
    const history = await get(`/api/v1/chat/history?conversation_id=${id}&limit=2`, userId);
    expect(res.body.messages).toEqual(history.body.messages);
    const rest = await get(`${messagesOf(id)}?offset=2`, userId);
    expect(rest.body).toMatchObject({ messages: [{ content: 'turn 2' }], has_more: false });
  });

  it('another user’s conversation, or none, is not found (as on /chat/history)', async () => {
    const owner = await addBareUser(env.pool, 'owner');
    const id = await conversationWith(owner, 2);
    const stranger = await addBareUser(env.pool, 'strgr');
    for (const path of [messagesOf(id), messagesOf('conv_nobody_1')]) {
      const res = await get(path, stranger);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ success: false, message: 'Conversation not found', error_code: 'USER_1201', data: null });
    }
    expect((await get(`/api/v1/chat/history?conversation_id=${id}`, stranger)).status).toBe(404);
  });

  it('limit is checked as on /chat/history', async () => {
    const res = await get(`${messagesOf('conv_any')}?limit=101`, 'user_001');
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({ loc: ['query', 'limit'] });
  });
});

describe('/api/v1/user/profile/frontend', () => {
  it('GET answers the profile in data with the original’s message', async () => {
    const res = await get(PROFILE, 'user_001');
    expect(res.status).toBe(200);
    const plain = await get('/api/v1/user/profile', 'user_001');
    const { success: _s, status: _st, message: _m, data: _d, timestamp: _t, request_id: _r, ...profile } = plain.body;
    expect(res.body).toEqual({ ...envelopeOk('获取用户档案成功'), data: profile });
    expect(profile).toMatchObject({ user_id: 'user_001', display_name: '演示用户' });
  });

  it('PUT changes the sent fields and answers the profile in data; bad input is a 422 as on PUT /user/profile', async () => {
    const userId = await addBareUser(env.pool, 'fprof');
    const res = await put(PROFILE, userId, { age: 41, weight_kg: 66 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...envelopeOk('更新用户档案成功'),
      data: expect.objectContaining({ user_id: userId, age: 41, weight_kg: 66, gender: 'other', updated_at: expect.stringMatching(ISO_UTC) }),
    });
    expect((await get(PROFILE, userId)).body.data).toMatchObject({ age: 41, weight_kg: 66 });
    const bad = await put(PROFILE, userId, { age: 5 });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ loc: ['body', 'age'] });
  });
});

describe('GET /api/v1/health/summary/frontend', () => {
  it('answers what /health/summary answers (real data, no mock heart rate), days checked the same', async () => {
    const userId = await addBareUser(env.pool, 'fsum');
    await addActivity(env.pool, userId, await databaseToday(env.pool), { steps: 12000 });
    const [alias, plain] = [await get(`${SUMMARY}?days=3`, userId), await get('/api/v1/health/summary?days=3', userId)];
    expect(alias.status).toBe(200);
    const { timestamp: _a, request_id: _b, ...aliasBody } = alias.body;
    const { timestamp: _c, request_id: _d, ...plainBody } = plain.body;
    expect(aliasBody).toEqual(plainBody);
    expect(alias.body).toMatchObject({ ...envelopeOk('Health summary retrieved successfully'), activity_summary: { steps: 12000 }, average_heart_rate: null });
    expect((await get(`${SUMMARY}?days=0`, userId)).status).toBe(422);
  });
});

test('the aliases are in the OpenAPI document, described as aliases', async () => {
  const res = await request(api.app).get('/openapi.json').set('host', 'localhost');
  const paths = res.body.paths as Record<string, Record<string, { description?: string; security?: unknown[] }>>;
  const ops = [
    paths['/api/v1/chat/conversations/{conversation_id}/messages']?.get,
    paths['/api/v1/user/profile/frontend']?.get,
    paths['/api/v1/user/profile/frontend']?.put,
    paths['/api/v1/health/summary/frontend']?.get,
  ];
  for (const op of ops) expect(op).toMatchObject({ description: expect.stringContaining('web client'), security: [{ bearerAuth: [] }] });
});
