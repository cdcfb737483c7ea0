import request from 'supertest';
import { addDays, todayUtc } from '../dates';
import { databaseToday } from '../health/store';
import { DEMO_PLAN_ID } from '../seed/plans';
import { useTestApp, useTestEnv, UUID_V4 } from '../testing';

// Routes 30 (feedback), 31 (progress report) and 32 (progress update).
const PLANS = '/api/v1/health-plan/plans';
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const env = useTestEnv();
const api = useTestApp(env);
let demo: string;
let other: string;
let today: string;
let seedDay: string;

beforeAll(async () => {
  demo = `Bearer ${await api.tokens.issue('user_001')}`;
  other = `Bearer ${await api.tokens.issue('user_002')}`;
  // Updates are dated in UTC; the seed counts back from the database's today.
  today = todayUtc();
  seedDay = await databaseToday(env.pool);
});

const daysAgo = (n: number): string => addDays(seedDay, -n);
const newPlan = async (modules: string[]): Promise<string> => {
  const res = await request(api.app).post('/api/v1/health-plan/generate').set('Authorization', demo).send({ goals: ['g'], modules, duration_days: 10 });
  return res.body.plan.plan_id;
};
const report = async (planId: string) => (await request(api.app).get(`${PLANS}/${planId}/progress`).set('Authorization', demo)).body.data;
const putProgress = (planId: string, body: unknown, auth = demo) =>
  request(api.app).put(`${PLANS}/${planId}/progress`).set('Authorization', auth).set('Content-Type', 'application/json').send(JSON.stringify(body));
const notFound = (path: string) => ({
  success: false, status: 'error', message: 'Health plan not found', data: null, error_code: 'USER_1201', details: { path },
  timestamp: expect.stringMatching(ISO_Z), request_id: expect.stringMatching(UUID_V4),
});

describe('POST /api/v1/health-plan/plans/{plan_id}/feedback (30)', () => {
  const path = `${PLANS}/${DEMO_PLAN_ID}/feedback`;

  it('stores any JSON object and answers its id (style E)', async () => {
    const feedback = { rating: 4, comment: '饮食部分很实用', tags: ['diet'], nested: { ok: true } };
    const res = await request(api.app).post(path).set('Authorization', demo).send(feedback);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true, status: 'success', message: 'Plan feedback saved successfully',
      data: { plan_id: DEMO_PLAN_ID, feedback_id: expect.stringMatching(new RegExp(`^feedback_${DEMO_PLAN_ID}_\\d{10}$`)) },
      timestamp: expect.stringMatching(ISO_Z), request_id: expect.stringMatching(UUID_V4),
    });
    const stored = await env.pool.query('SELECT plan_id, user_id, content FROM health_plan_feedback WHERE id = $1', [res.body.data.feedback_id]);
    expect(stored.rows).toEqual([{ plan_id: DEMO_PLAN_ID, user_id: 'user_001', content: feedback }]);
  });

  it('keeps two feedbacks sent in the same second apart', async () => {
    const [a, b] = await Promise.all([1, 2].map((n) => request(api.app).post(path).set('Authorization', demo).send({ n })));
    expect(a?.body.data.feedback_id).not.toBe(b?.body.data.feedback_id);
    const stored = await env.pool.query('SELECT count(*)::int AS n FROM health_plan_feedback WHERE id = ANY($1)', [[a?.body.data.feedback_id, b?.body.data.feedback_id]]);
    expect(stored.rows[0].n).toBe(2);
  });

  it.each([
    ['a list', '["x"]', { type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary', input: ['x'] }],
    ['a string', '"great"', { type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary', input: 'great' }],
    ['no body', '', { type: 'missing', loc: ['body'], msg: 'Field required', input: null }],
  ])('answers 422 for %s', async (_case, raw, detail) => {
    const res = await request(api.app).post(path).set('Authorization', demo).set('Content-Type', 'application/json').send(raw);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [detail] });
  });

  it.each([
    ['a missing plan', 'plan_user_001_9', () => demo],
    ["another user's plan", DEMO_PLAN_ID, () => other],
  ])('answers 404 USER_1201 for %s and stores nothing', async (_case, planId, auth) => {
    const before = await env.pool.query('SELECT count(*)::int AS n FROM health_plan_feedback');
    const res = await request(api.app).post(`${PLANS}/${planId}/feedback`).set('Authorization', auth()).send({ rating: 1 });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(notFound(`${PLANS}/${planId}/feedback`));
    expect((await env.pool.query('SELECT count(*)::int AS n FROM health_plan_feedback')).rows[0].n).toBe(before.rows[0].n);
  });
});

describe('GET /api/v1/health-plan/plans/{plan_id}/progress (31)', () => {
  it('computes the seeded plan\'s progress from its stored updates (style E)', async () => {
    const res = await request(api.app).get(`${PLANS}/${DEMO_PLAN_ID}/progress`).set('Authorization', demo);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, status: 'success', message: 'Plan progress retrieved successfully' });
    // Seed: six days of module updates; diet 8 + 4/day, exercise 5 + 3.5/day, sleep 10 + 5/day.
    const mean = (i: number) => Math.round(((23 + 12.5 * i) / 3) * 100) / 100;
    expect(res.body.data).toEqual({
      plan_id: DEMO_PLAN_ID,
      overall_progress: 28.5,
      module_progress: { diet: 28, exercise: 22.5, sleep: 35 },
      daily_progress: [6, 5, 4, 3, 2, 1].map((ago, i) => ({ date: daysAgo(ago), progress: mean(i) })),
      total_tasks: 90,
      completed_tasks: 26,
      last_updated: `${daysAgo(1)}T20:02:00.000Z`,
    });
  });

  it('starts at zero for a plan without updates', async () => {
    const planId = await newPlan(['diet', 'sleep']);
    const plan = (await request(api.app).get(`${PLANS}/${planId}`).set('Authorization', demo)).body.plan;
    expect(await report(planId)).toEqual({
      plan_id: planId, overall_progress: 0, module_progress: { diet: 0, sleep: 0 }, daily_progress: [],
      total_tasks: 20, completed_tasks: 0, last_updated: plan.updated_at,
    });
  });

  it.each([
    ['a missing plan', 'plan_user_001_5', () => demo],
    ["another user's plan", DEMO_PLAN_ID, () => other],
  ])('answers 404 USER_1201 for %s', async (_case, planId, auth) => {
    const res = await request(api.app).get(`${PLANS}/${planId}/progress`).set('Authorization', auth());
    expect(res.status).toBe(404);
    expect(res.body).toEqual(notFound(`${PLANS}/${planId}/progress`));
  });
});

describe('PUT /api/v1/health-plan/plans/{plan_id}/progress (32)', () => {
  it('stores a whole-plan update: the plan, every module and today follow it', async () => {
    const planId = await newPlan(['diet', 'exercise', 'sleep']);
    const res = await putProgress(planId, { progress: 40, note: 'week one' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true, status: 'success', message: 'Plan progress updated successfully',
      data: { plan_id: planId, updated_progress: 40, updated_at: expect.stringMatching(ISO_Z) },
      timestamp: expect.stringMatching(ISO_Z), request_id: expect.stringMatching(UUID_V4),
    });
    expect(await report(planId)).toEqual({
      plan_id: planId, overall_progress: 40, module_progress: { diet: 40, exercise: 40, sleep: 40 },
      daily_progress: [{ date: today, progress: 40 }], total_tasks: 30, completed_tasks: 12, last_updated: res.body.data.updated_at,
    });
    expect((await request(api.app).get(`${PLANS}/${planId}`).set('Authorization', demo)).body.plan.progress).toBe(40);
  });

  it('stores a module update: that module moves and the plan becomes the mean of its modules', async () => {
    const planId = await newPlan(['diet', 'exercise', 'sleep']);
    await putProgress(planId, { progress: 40 }).expect(200);
    const res = await putProgress(planId, { progress: 70, module_type: 'diet' });
    expect(res.body.data.updated_progress).toBe(70);
    const data = await report(planId);
    expect(data).toMatchObject({ overall_progress: 50, module_progress: { diet: 70, exercise: 40, sleep: 40 }, completed_tasks: 15 });
    expect(data.daily_progress).toEqual([{ date: today, progress: 50 }]);
    const stored = await env.pool.query('SELECT module_type, progress, plan_progress, details FROM health_plan_progress WHERE plan_id = $1 ORDER BY id', [planId]);
    expect(stored.rows).toEqual([
      { module_type: null, progress: 40, plan_progress: 40, details: { progress: 40 } },
      { module_type: 'diet', progress: 70, plan_progress: 50, details: { progress: 70, module_type: 'diet' } },
    ]);
  });

  it('accepts numeric text for progress, as pydantic does', async () => {
    const planId = await newPlan(['diet']);
    const res = await putProgress(planId, { progress: '62.5' });
    expect(res.status).toBe(200);
    expect(res.body.data.updated_progress).toBe(62.5);
    expect((await report(planId)).overall_progress).toBe(62.5);
  });

  it('reads a missing progress as 0 and still stores the update', async () => {
    const planId = await newPlan(['diet']);
    await putProgress(planId, { progress: 30 }).expect(200);
    const res = await putProgress(planId, {});
    expect(res.status).toBe(200);
    expect(res.body.data.updated_progress).toBe(0);
    expect((await report(planId)).overall_progress).toBe(0);
  });

  it('answers 400 for a module the plan does not have, and stores nothing', async () => {
    const planId = await newPlan(['diet']);
    const res = await putProgress(planId, { progress: 10, module_type: 'sleep' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, message: "module_type is not one of this plan's modules", error_code: 'SYSTEM_1701' });
    expect((await report(planId)).daily_progress).toEqual([]);
  });

  it.each([
    ['progress over 100', { progress: 150 }, { type: 'less_than_equal', loc: ['body', 'progress'], msg: 'Input should be less than or equal to 100', input: 150, ctx: { le: 100 } }],
    ['progress under 0', { progress: -1 }, { type: 'greater_than_equal', loc: ['body', 'progress'], msg: 'Input should be greater than or equal to 0', input: -1, ctx: { ge: 0 } }],
    ['progress not a number', { progress: 'half' }, { type: 'float_parsing', loc: ['body', 'progress'], msg: 'Input should be a valid number, unable to parse string as a number', input: 'half' }],
    ['module_type not a string', { progress: 1, module_type: 3 }, { type: 'string_type', loc: ['body', 'module_type'], msg: 'Input should be a valid string', input: 3 }],
    ['a body that is a list', [50], { type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary', input: [50] }],
  ])('answers 422 for %s', async (_case, body, detail) => {
    const res = await putProgress(DEMO_PLAN_ID, body);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [detail] });
  });

  it.each([
    ['a missing plan', 'plan_user_001_3', () => demo],
    ["another user's plan", DEMO_PLAN_ID, () => other],
  ])('answers 404 USER_1201 for %s and leaves the plan as it was', async (_case, planId, auth) => {
    const res = await putProgress(planId, { progress: 99 }, auth());
    expect(res.status).toBe(404);
    expect(res.body).toEqual(notFound(`${PLANS}/${planId}/progress`));
    expect((await report(DEMO_PLAN_ID)).overall_progress).toBe(28.5);
  });
});
