import request from 'supertest';
import { addActivity, addBareUser, addSleep, bearerFor, envelopeOk, expectAuthRequired } from '../testing-health';
import { ISO_UTC, useTestApp, useTestEnv } from '../testing';
import { addDays } from '../dates';
import { databaseToday } from './store';

const SUMMARY = '/api/v1/health/summary';
const ACTIVITY = '/api/v1/health/activity';
const SLEEP = '/api/v1/health/sleep';
const env = useTestEnv();
const api = useTestApp(env);
let today: string;

beforeAll(async () => {
  today = await databaseToday(env.pool);
});

const get = async (path: string, userId: string, query: Record<string, unknown> = {}) =>
  request(api.app).get(path).query(query).set('Authorization', await bearerFor(api, userId));

const storedActivity = async (userId: string, day: string) =>
  (await env.pool.query(
    `SELECT to_char(day, 'YYYY-MM-DD') AS date, steps, distance_km, calories_burned, active_minutes, exercise_sessions
     FROM activity_records WHERE user_id = $1 AND day = $2`,
    [userId, day],
  )).rows[0];

describe('auth on routes 16–18', () => {
  it.each([SUMMARY, ACTIVITY, SLEEP])('GET %s needs a valid bearer token', (path) => expectAuthRequired(api.app, { method: 'get', path }));
});

describe('GET /api/v1/health/summary', () => {
  it("answers the last 7 days' most recent activity and sleep with insights, style F", async () => {
    const res = await get(SUMMARY, 'user_001');
    expect(res.status).toBe(200);
    const activity = await storedActivity('user_001', today);
    const steps = activity.steps as number;
    expect(res.body).toEqual({
      ...envelopeOk('Health summary retrieved successfully'),
      data: null,
      user_id: 'user_001',
      period_start: addDays(today, -6),
      period_end: today,
      activity_summary: activity,
      sleep_summary: {
        date: today,
        total_sleep_hours: expect.any(Number),
        deep_sleep_hours: expect.any(Number),
        light_sleep_hours: expect.any(Number),
        rem_sleep_hours: expect.any(Number),
        sleep_efficiency: expect.any(Number),
        bedtime: expect.stringMatching(ISO_UTC),
        wake_time: expect.stringMatching(ISO_UTC),
      },
      average_heart_rate: null,
      weight_trend: null,
      key_insights: [
        steps >= 10000 ? "Great job! You've reached your daily step goal." : `You're ${10000 - steps} steps away from your daily goal.`,
        expect.stringMatching(/^(Excellent sleep duration! Keep it up\.|Consider getting more sleep for better health\.)$/),
      ],
    });
  });

  it('takes the most recent stored day within the period, and nothing older', async () => {
    const userId = await addBareUser(env.pool, 'sum');
    await addActivity(env.pool, userId, addDays(today, -3), { steps: 12000, distance_km: 8.4 });
    await addActivity(env.pool, userId, addDays(today, -5), { steps: 2000 });
    await addSleep(env.pool, userId, addDays(today, -2), 6.5);
    const week = await get(SUMMARY, userId);
    expect(week.body.activity_summary).toEqual({
      date: addDays(today, -3), steps: 12000, distance_km: 8.4, calories_burned: null, active_minutes: null, exercise_sessions: null,
    });
    expect(week.body.sleep_summary).toMatchObject({ date: addDays(today, -2), total_sleep_hours: 6.5 });
    expect(week.body.key_insights).toEqual(["Great job! You've reached your daily step goal.", 'Consider getting more sleep for better health.']);
    const twoDays = await get(SUMMARY, userId, { days: 2 });
    expect(twoDays.body).toMatchObject({ period_start: addDays(today, -1), activity_summary: null, sleep_summary: null, key_insights: [] });
  });

  it('shows the latest day and night exactly as routes 17 and 18 do (one query builds both summaries)', async () => {
    const userId = await addBareUser(env.pool, 'same');
    await addActivity(env.pool, userId, addDays(today, -1), { steps: 4321, distance_km: 3.14159, calories_burned: 210 });
    await addSleep(env.pool, userId, addDays(today, -1), 7.3);
    const summary = await get(SUMMARY, userId);
    expect(summary.body.activity_summary).toEqual((await get(ACTIVITY, userId)).body.data[0]);
    expect(summary.body.sleep_summary).toEqual((await get(SLEEP, userId)).body.data[0]);
  });

  it('answers null summaries and no insights for a user without records', async () => {
    const userId = await addBareUser(env.pool, 'none');
    const res = await get(SUMMARY, userId, { days: 30 });
    expect(res.body).toMatchObject({ period_start: addDays(today, -29), period_end: today, activity_summary: null, sleep_summary: null, key_insights: [] });
  });

  it.each([
    [{ days: 0 }, 'greater_than_equal'],
    [{ days: 366 }, 'less_than_equal'],
    [{ days: 'week' }, 'int_parsing'],
  ])('answers 422 for %j', async (query, type) => {
    const res = await get(SUMMARY, 'user_001', query);
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([expect.objectContaining({ type, loc: ['query', 'days'] })]);
  });
});

describe.each([
  [ACTIVITY, 'Activity', 'activity_records'],
  [SLEEP, 'Sleep', 'sleep_records'],
])('GET %s', (path, word, table) => {
  it('answers the last 7 days newest first, style F with the list in data', async () => {
    const res = await get(path, 'user_001');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ...envelopeOk(`${word} data retrieved successfully`), user_id: 'user_001', total_records: 7 });
    expect(res.body.data.map((d: { date: string }) => d.date)).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => addDays(today, -n)));
  });

  it('answers the asked range, cut to `limit` newest records', async () => {
    const range = { start_date: addDays(today, -15), end_date: addDays(today, -10) };
    const all = await get(path, 'user_001', range);
    expect(all.body.data.map((d: { date: string }) => d.date)).toEqual([10, 11, 12, 13, 14, 15].map((n) => addDays(today, -n)));
    const { rows } = await env.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE user_id = 'user_001' AND day BETWEEN $1 AND $2`, [range.start_date, range.end_date]);
    expect(all.body.total_records).toBe(rows[0].n);
    const limited = await get(path, 'user_001', { ...range, limit: 2 });
    expect(limited.body.data.map((d: { date: string }) => d.date)).toEqual([addDays(today, -10), addDays(today, -11)]);
    expect(limited.body.total_records).toBe(2);
  });

  it('uses the last 7 days when only one end is given, and accepts known data types', async () => {
    const res = await request(api.app)
      .get(`${path}?start_date=${addDays(today, -20)}&data_types=activity&data_types=sleep`)
      .set('Authorization', await bearerFor(api, 'user_001'));
    expect(res.status).toBe(200);
    expect(res.body.total_records).toBe(7);
  });

  it('answers an empty list for a user without records', async () => {
    const userId = await addBareUser(env.pool, 'empty');
    expect((await get(path, userId)).body).toMatchObject({ data: [], total_records: 0, user_id: userId });
  });

  /** Offsets from today; undefined leaves the end out. */
  it.each([
    ['start after end', [-1, -3], 'Value error, Start date cannot be after end date'],
    ['a span over a year', [-400, -34], 'Value error, Date range cannot exceed 1 year'],
    ['a start in the future', [1, undefined], 'Value error, Start date cannot be in the future'],
    ['an end in the future', [0, 2], 'Value error, End date cannot be in the future'],
  ] as const)('answers a source-3 422 for %s', async (_case, [start, end], message) => {
    const query = { start_date: addDays(today, start), ...(end === undefined ? {} : { end_date: addDays(today, end) }) };
    const res = await get(path, 'user_001', query);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({
      success: false, status: 'error', message: 'Validation failed', data: null, error_code: 'VALIDATION_1101',
      details: {
        path,
        validation_errors: [{
          field: '', message, type: 'value_error',
          input: { start_date: query.start_date, end_date: 'end_date' in query ? query.end_date : null, data_types: null, limit: null },
        }],
      },
      timestamp: expect.any(String), request_id: expect.any(String),
    });
  });

  it('accepts a span of exactly a year', async () => {
    expect((await get(path, 'user_001', { start_date: addDays(today, -365), end_date: today })).status).toBe(200);
  });

  it('answers a source-3 422 naming data_types for an unknown type', async () => {
    const res = await get(path, 'user_001', { data_types: 'steps' });
    expect(res.status).toBe(422);
    expect(res.body.details.validation_errors).toEqual([
      { field: 'data_types', message: 'Value error, Invalid data type "steps". Must be one of: activity, sleep, nutrition, vitals', type: 'value_error', input: ['steps'] },
    ]);
  });

  it.each([
    [{ limit: 0 }, 'greater_than_equal', 'limit'],
    [{ limit: 1001 }, 'less_than_equal', 'limit'],
    [{ start_date: 'yesterday' }, 'date_from_datetime_parsing', 'start_date'],
    [{ end_date: '2024-02-30' }, 'date_from_datetime_parsing', 'end_date'],
  ])('answers a framework 422 for %j', async (query, type, field) => {
    const res = await get(path, 'user_001', query);
    expect(res.status).toBe(422);
    expect(res.body.detail).toEqual([expect.objectContaining({ type, loc: ['query', field] })]);
  });
});

describe('GET /api/v1/health/activity and /sleep values', () => {
  it('answers each stored field of a day', async () => {
    const userId = await addBareUser(env.pool, 'vals');
    await addActivity(env.pool, userId, today, { steps: 4321, distance_km: 3.1, calories_burned: 222, active_minutes: 33, exercise_sessions: 1 });
    await addSleep(env.pool, userId, today, 7.5);
    const activity = await get(ACTIVITY, userId);
    expect(activity.body.data).toEqual([{ date: today, steps: 4321, distance_km: 3.1, calories_burned: 222, active_minutes: 33, exercise_sessions: 1 }]);
    const sleep = await get(SLEEP, userId);
    expect(sleep.body.data).toEqual([{
      date: today, total_sleep_hours: 7.5, deep_sleep_hours: 1.5, light_sleep_hours: 4.5, rem_sleep_hours: 1.5, sleep_efficiency: 90,
      bedtime: `${addDays(today, -1)}T23:00:00.000Z`, wake_time: `${today}T07:00:00.000Z`,
    }]);
  });
});
