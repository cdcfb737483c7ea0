import { createPool, type Pool } from '@aurawell/db';
import request from 'supertest';
import { bearerFor } from '../testing-health';
import { buildTestApp, closeTestEnv, openTestEnv, type TestApp, type TestEnv } from '../testing';

// Routes 10–21 and 35 over a database that refuses connections: each answers its own 500.
let env: TestEnv;
let api: TestApp;
let deadPool: Pool;

beforeAll(async () => {
  env = await openTestEnv({ seed: false });
  deadPool = createPool('postgres://postgres@127.0.0.1:1/nothing', env.logger, 1);
  api = buildTestApp(env, {}, { pool: deadPool });
});
afterAll(async () => {
  await deadPool.end();
  await closeTestEnv(env);
});

const GOAL = { goal_type: 'steps', target_value: 9000, target_unit: 'steps' };

describe('a database fault', () => {
  it.each([
    ['get', '/api/v1/user/profile', 'Failed to retrieve user profile', undefined],
    ['put', '/api/v1/user/profile', 'Failed to update user profile', { age: 30 }],
    ['get', '/api/v1/user/health-data', 'Failed to retrieve health data', undefined],
    ['put', '/api/v1/user/health-data', 'Failed to update health data', { age: 30 }],
    ['get', '/api/v1/user/health-goals', 'Failed to retrieve health goals', undefined],
    ['post', '/api/v1/user/health-goals', 'Failed to create health goal', { title: 't', type: 'x' }],
    ['get', '/api/v1/health/summary', 'Failed to retrieve health summary', undefined],
    ['get', '/api/v1/health/activity', 'Failed to retrieve activity data', undefined],
    ['get', '/api/v1/health/sleep', 'Failed to retrieve sleep data', undefined],
    ['post', '/api/v1/health/goals', 'Failed to create health goal', GOAL],
    ['get', '/api/v1/health/goals', 'Failed to retrieve health goals', undefined],
    ['get', '/api/v1/achievements', 'Failed to retrieve achievements', undefined],
  ] as const)('makes %s %s answer 500 %s', async (method, path, message, body) => {
    const res = await request(api.app)[method](path).set('Authorization', await bearerFor(api, 'user_001')).send(body);
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ success: false, status: 'error', message, error_code: 'SYSTEM_1701', data: null });
    expect(res.body.details).toEqual({ path });
  });

  it('makes the paginated goals answer the source-2 500 with empty details', async () => {
    const res = await request(api.app).get('/api/v1/health/goals/paginated').set('Authorization', await bearerFor(api, 'user_001'));
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ message: 'Failed to retrieve health goals', error_code: 'SYSTEM_1701' });
    expect(res.body.details).toEqual({});
  });
});
