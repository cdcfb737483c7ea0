import { createHmac } from 'node:crypto';
import { createRedis, createTicketStore, DEV_TOKEN, DEV_USER_ID } from '@aurawell/platform';
import { testRedisUrl } from '@aurawell/testkit';
import request from 'supertest';
import { buildTestApp, TEST_JWT_SECRET, useTestApp, useTestEnv } from '../testing';

const TICKET = '/api/v1/ws/ticket';
const env = useTestEnv({ seed: false });
const api = useTestApp(env);

/** An HS256 JWT with exactly these claims (to build tokens the token service never issues). */
const signJwt = (claims: Record<string, unknown>, secret = TEST_JWT_SECRET): string => {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
};
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe('POST /api/v1/ws/ticket authentication', () => {
  it.each([
    ['no Authorization header', undefined, 'Not authenticated'],
    ['Bearer without a token', 'Bearer', 'Not authenticated'],
    ['another scheme', 'Basic x', 'Invalid authentication credentials'],
  ])('answers 403 AUTH_1005 for %s', async (_case, header, message) => {
    const req = request(api.app).post(TICKET);
    const res = header === undefined ? await req : await req.set('Authorization', header);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ success: false, status: 'error', message, data: null, error_code: 'AUTH_1005', details: { path: TICKET } });
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it.each([
    ['a malformed token', () => 'not-a-jwt'],
    ['an expired token', () => signJwt({ sub: 'user_001', exp: Math.floor(Date.now() / 1000) - 10 })],
    ['a token signed with another key', () => signJwt({ sub: 'user_001', exp: inAnHour() }, 'another-secret-0123456789abcdef')],
    ['a token without sub', () => signJwt({ exp: inAnHour() })],
  ])('answers 401 AUTH_1004 for %s', async (_case, token) => {
    const res = await request(api.app).post(TICKET).set('Authorization', `Bearer ${token()}`);
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ message: 'Could not validate credentials', error_code: 'AUTH_1004', details: { path: TICKET } });
  });

  it('rejects the dev token unless DEV_TOKEN_ENABLED is set', async () => {
    const res = await request(api.app).post(TICKET).set('Authorization', `Bearer ${DEV_TOKEN}`);
    expect(res.status).toBe(401);
  });

  it('accepts the dev token as dev_user_001 when DEV_TOKEN_ENABLED is set', async () => {
    const dev = buildTestApp(env, { DEV_TOKEN_ENABLED: 'true' });
    const res = await request(dev.app).post(TICKET).set('Authorization', `Bearer ${DEV_TOKEN}`);
    expect(res.status).toBe(200);
    await expect(dev.tickets.redeem(res.body.data.ticket)).resolves.toBe(DEV_USER_ID);
  });
});

describe('POST /api/v1/ws/ticket', () => {
  it('issues a ticket that redeems once for the caller', async () => {
    const token = await api.tokens.issue('user_001');
    const res = await request(api.app).post(TICKET).set('Authorization', `bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, status: 'success', message: 'WebSocket ticket issued' });
    expect(res.body.data).toEqual({ ticket: expect.stringMatching(/^[A-Za-z0-9_-]{16,64}$/), expires_in: 60 });
    const ttl = await env.redis.ttl(env.keys.wsTicket(res.body.data.ticket));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60);
    const store = createTicketStore(env.redis, env.keys);
    await expect(store.redeem(res.body.data.ticket)).resolves.toBe('user_001');
    await expect(store.redeem(res.body.data.ticket)).resolves.toBeNull();
  });

  it('ignores a body, even one that is not JSON', async () => {
    const token = await api.tokens.issue('user_002');
    const res = await request(api.app).post(TICKET).set('Authorization', `Bearer ${token}`).set('Content-Type', 'application/json').send('{oops');
    expect(res.status).toBe(200);
    await expect(api.tickets.redeem(res.body.data.ticket)).resolves.toBe('user_002');
  });

  it('answers 503 SYSTEM_1702 when Redis cannot take the ticket', async () => {
    // A real client whose connection is gone (a closed client fails at once and leaves no timers behind).
    const closed = createRedis(testRedisUrl(), { name: 'api-test-closed', role: 'command', logger: env.logger });
    await closed.quit();
    const broken = buildTestApp(env, {}, { redis: closed });
    const token = await broken.tokens.issue('user_001');
    const res = await request(broken.app).post(TICKET).set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ error_code: 'SYSTEM_1702', message: 'WebSocket ticket service unavailable', details: { path: TICKET } });
  });
});
