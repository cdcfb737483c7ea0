import { createPool, upsertUser } from '@aurawell/db';
import request from 'supertest';
import { buildTestApp, decodeJwtClaims, useTestApp, useTestEnv, UUID_V4 } from '../testing';

const LOGIN = '/api/v1/auth/login';
const env = useTestEnv();
const api = useTestApp(env);

describe('POST /api/v1/auth/login', () => {
  it('issues a bearer JWT for the demo user (sub user_001, exp in an hour, no iat)', async () => {
    const res = await request(api.app).post(LOGIN).send({ username: 'demo_user', password: 'demo_password' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, status: 'success', message: 'Login successful' });
    expect(res.body.request_id).toMatch(UUID_V4);
    expect(res.body.data).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 3600 });
    const claims = decodeJwtClaims(res.body.data.access_token);
    expect(claims.sub).toBe('user_001');
    expect(Math.abs(Number(claims.exp) - (Math.floor(Date.now() / 1000) + 3600))).toBeLessThanOrEqual(5);
    expect(claims).not.toHaveProperty('iat');
    await expect(api.tokens.verify(res.body.data.access_token)).resolves.toBe('user_001');
  });

  it('logs in the second demo user, username case-insensitively', async () => {
    const res = await request(api.app).post(LOGIN).send({ username: 'TEST_USER', password: 'test_password' });
    expect(res.status).toBe(200);
    expect(decodeJwtClaims(res.body.data.access_token).sub).toBe('user_002');
  });

  it.each([
    ['a wrong password', { username: 'demo_user', password: 'wrong_password' }],
    ['an unknown user', { username: 'nobody_here', password: 'demo_password' }],
  ])('answers 401 AUTH_1001 for %s', async (_case, body) => {
    const res = await request(api.app).post(LOGIN).send(body);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      success: false,
      status: 'error',
      message: 'Invalid username or password',
      data: null,
      error_code: 'AUTH_1001',
      details: {},
      timestamp: expect.stringMatching(/Z$/),
      request_id: res.headers['x-request-id'],
    });
  });

  it('refuses a password past 72 bytes with 401 even when its first 72 bytes are the password', async () => {
    const pw72 = 'z'.repeat(72);
    await upsertUser(env.pool, { id: 'user_pw72', username: 'pw72_user', email: 'pw72@example.com', password: pw72, displayName: 'pw72' });
    expect((await request(api.app).post(LOGIN).send({ username: 'pw72_user', password: pw72 })).status).toBe(200);
    const longer = await request(api.app).post(LOGIN).send({ username: 'pw72_user', password: `${pw72}-anything` });
    expect(longer.status).toBe(401);
    expect(longer.body).toMatchObject({ error_code: 'AUTH_1001', message: 'Invalid username or password' });
  });

  it('answers 422 string_too_short for a short username', async () => {
    const res = await request(api.app).post(LOGIN).send({ username: 'ab', password: 'demo_password' });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      detail: [
        { type: 'string_too_short', loc: ['body', 'username'], msg: 'String should have at least 3 characters', input: 'ab', ctx: { min_length: 3 } },
      ],
    });
  });

  it('answers 422 for a too long password and a non-string username together', async () => {
    const res = await request(api.app).post(LOGIN).send({ username: 12345, password: 'p'.repeat(129) });
    expect(res.status).toBe(422);
    expect(res.body.detail.map((d: { type: string; loc: unknown[] }) => [d.type, d.loc])).toEqual([
      ['string_type', ['body', 'username']],
      ['string_too_long', ['body', 'password']],
    ]);
  });

  it('names a missing field with the body as input', async () => {
    const res = await request(api.app).post(LOGIN).send({ username: 'demo_user' });
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([
      { type: 'missing', loc: ['body', 'password'], msg: 'Field required', input: { username: 'demo_user' } },
    ]);
  });

  it.each([
    ['no body at all', undefined],
    ['an empty JSON body', ''],
  ])('answers 422 missing at loc ["body"] for %s', async (_case, raw) => {
    const req = request(api.app).post(LOGIN);
    const res = raw === undefined ? await req : await req.set('Content-Type', 'application/json').send(raw);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] });
  });

  it('answers 422 model_attributes_type for a JSON body that is not an object', async () => {
    const res = await request(api.app).post(LOGIN).set('Content-Type', 'application/json').send('["demo_user"]');
    expect(res.status).toBe(422);
    expect(res.body.detail[0]).toMatchObject({ type: 'model_attributes_type', loc: ['body'], input: ['demo_user'] });
  });

  it('answers 422 json_invalid with the error position for invalid JSON', async () => {
    const res = await request(api.app).post(LOGIN).set('Content-Type', 'application/json').send('{"username": "demo_user",');
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      detail: [
        { type: 'json_invalid', loc: ['body', 25], msg: 'JSON decode error', input: {}, ctx: { error: expect.any(String) } },
      ],
    });
  });

  it('answers 500 SYSTEM_1701 "Authentication service error" when the database fails', async () => {
    const deadPool = createPool(`${env.db.url}_missing`, env.logger, 1);
    try {
      const broken = buildTestApp(env, {}, { pool: deadPool });
      const res = await request(broken.app).post(LOGIN).send({ username: 'demo_user', password: 'demo_password' });
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ success: false, message: 'Authentication service error', error_code: 'SYSTEM_1701', details: {} });
    } finally {
      await deadPool.end();
    }
  });
});
