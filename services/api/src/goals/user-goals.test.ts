import request from 'supertest';
import { addActivity, addBareUser, bearerFor, envelopeOk, expectAuthRequired, setWeight } from '../testing-health';
import { ISO_UTC, useTestApp, useTestEnv } from '../testing';
import { addDays } from '../dates';
import { databaseToday } from '../health/store';

const GOALS = '/api/v1/user/health-goals';
const env = useTestEnv();
const api = useTestApp(env);
let today: string;

beforeAll(async () => {
  today = await databaseToday(env.pool);
});

const post = async (userId: string, body: unknown) => request(api.app).post(GOALS).set('Authorization', await bearerFor(api, userId)).send(body as object);
const list = async (userId: string) => request(api.app).get(GOALS).set('Authorization', await bearerFor(api, userId));

describe('auth on routes 14–15', () => {
  it.each([{ method: 'get' as const, path: GOALS }, { method: 'post' as const, path: GOALS }])('$method $path needs a valid bearer token', (call) =>
    expectAuthRequired(api.app, call),
  );
});

describe('POST /api/v1/user/health-goals', () => {
  it('answers the stored goal bare, with id goal_{user}_{type}_{unix} and progress from the sent values', async () => {
    const userId = await addBareUser(env.pool, 'ug');
    const before = Math.floor(Date.now() / 1000);
    const res = await post(userId, {
      title: '跑步目标', description: '每周跑三次', type: 'running', target_value: 5, current_value: 2, unit: 'km', target_date: addDays(today, 30),
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(new RegExp(`^goal_${userId}_running_\\d+$`)),
      title: '跑步目标',
      description: '每周跑三次',
      type: 'running',
      target_value: 5,
      current_value: 2,
      unit: 'km',
      target_date: addDays(today, 30),
      status: 'active',
      progress: 40,
      created_at: expect.stringMatching(ISO_UTC),
      updated_at: expect.stringMatching(ISO_UTC),
    });
    const unix = Number(res.body.id.split('_').pop());
    expect(unix).toBeGreaterThanOrEqual(before);
    expect(unix).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    const back = await list(userId);
    expect(back.body.goals).toEqual([res.body]);
  });

  it.each([
    [{ target_value: 10, current_value: 15 }, 100],
    [{ target_value: 10 }, 0],
    [{ target_value: 0, current_value: 3 }, 0],
    [{ current_value: 3 }, 0],
    [{ target_value: 3, current_value: 1 }, 33.3],
  ])('computes progress %j → %d', async (values, progress) => {
    const res = await post('user_002', { title: 'p', type: 'custom', ...values });
    expect(res.status).toBe(200);
    expect(res.body.progress).toBe(progress);
  });

  it('fills the optional fields with null and status with active', async () => {
    const res = await post('user_002', { title: 'minimal', type: 'custom' });
    expect(res.body).toMatchObject({ description: null, target_value: null, current_value: null, unit: null, target_date: null, status: 'active', progress: 0 });
  });

  it('keeps two goals of one type made in the same second apart', async () => {
    const userId = await addBareUser(env.pool, 'twin');
    const [a, b] = await Promise.all([post(userId, { title: 'a', type: 'twin' }), post(userId, { title: 'b', type: 'twin' })]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.id).not.toBe(b.body.id);
    expect((await list(userId)).body.total_count).toBe(2);
  });

  it.each([
    [{ type: 'x' }, 'missing', ['body', 'title']],
    [{ title: '', type: 'x' }, 'string_too_short', ['body', 'title']],
    [{ title: 't'.repeat(201), type: 'x' }, 'string_too_long', ['body', 'title']],
    [{ title: 't' }, 'missing', ['body', 'type']],
    [{ title: 't', type: 'x', description: 'd'.repeat(1001) }, 'string_too_long', ['body', 'description']],
    [{ title: 't', type: 'x', target_value: 'ten' }, 'float_parsing', ['body', 'target_value']],
    [{ title: 't', type: 'x', target_date: '2025-02-30' }, 'date_from_datetime_parsing', ['body', 'target_date']],
    [{ title: 't', type: 'x', status: null }, 'string_type', ['body', 'status']],
  ])('answers 422 for %j', async (body, type, loc) => {
    const res = await post('user_002', body);
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([expect.objectContaining({ type, loc })]);
  });
});

describe('GET /api/v1/user/health-goals', () => {
  it('lists the seeded goals in stored order, style F, measured where the type has a measure', async () => {
    const res = await list('user_001');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...envelopeOk('Health goals retrieved successfully'), data: null, total_count: 2 });
    const { rows } = await env.pool.query<{ avg: number }>(
      `SELECT round(avg(steps))::float8 AS avg FROM activity_records WHERE user_id = 'user_001' AND day > current_date - 7`,
    );
    const [steps, weight] = res.body.goals;
    expect(steps).toMatchObject({ title: '每日步数目标', type: 'steps', target_value: 10000, current_value: rows[0]?.avg, unit: '步' });
    expect(steps.progress).toBe(Math.round(Math.min(100, ((rows[0]?.avg ?? 0) / 10000) * 100) * 10) / 10);
    // Seeded 2 kg lighter than when the goal was set.
    expect(weight).toMatchObject({ title: '减重目标', type: 'weight_loss', current_value: 2, progress: 40 });
  });

  it('follows the records: new steps and a new weight change current value and progress', async () => {
    const userId = await addBareUser(env.pool, 'meas');
    await request(api.app).put('/api/v1/user/health-data').set('Authorization', await bearerFor(api, userId)).send({ weight: 80 });
    await post(userId, { title: 'walk', type: 'Steps', target_value: 8000, current_value: 100 });
    await post(userId, { title: 'lose', type: 'weight_loss', target_value: 4, current_value: 1 });
    const before = (await list(userId)).body.goals;
    expect(before.map((g: { current_value: number }) => g.current_value)).toEqual([100, 1]);
    await addActivity(env.pool, userId, today, { steps: 6000 });
    await addActivity(env.pool, userId, addDays(today, -1), { steps: 4000 });
    await setWeight(env.pool, userId, 78);
    const after = (await list(userId)).body.goals;
    expect(after.map((g: { current_value: number; progress: number }) => [g.current_value, g.progress])).toEqual([
      [5000, 62.5],
      [3, 75],
    ]);
  });

  it("shows nobody else's goals", async () => {
    const userId = await addBareUser(env.pool, 'alone');
    const res = await list(userId);
    expect(res.body).toMatchObject({ goals: [], total_count: 0 });
  });
});
