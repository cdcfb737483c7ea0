import { createPool } from '@aurawell/db';
import request from 'supertest';
import { DEMO_PLAN_ID } from '../seed/plans';
import { buildTestApp, useTestApp, useTestEnv, UUID_V4 } from '../testing';

// Routes 24–29 (plans), and authentication for every route 24–34.
const PLANS = '/api/v1/health-plan/plans';
const GENERATE = '/api/v1/health-plan/generate';
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const env = useTestEnv();
const api = useTestApp(env);
let demo: string;
let other: string;
let stranger: string;

beforeAll(async () => {
  demo = `Bearer ${await api.tokens.issue('user_001')}`;
  other = `Bearer ${await api.tokens.issue('user_002')}`;
  // A valid token for a user with no stored profile (the dev user is such a user).
  stranger = `Bearer ${await api.tokens.issue('user_without_profile')}`;
});

const generate = (auth: string, body: unknown) => request(api.app).post(GENERATE).set('Authorization', auth).send(body as object);
const envelopeError = (status: number, message: string, code: string, path: string) => ({
  success: false, status: 'error', message, data: null, error_code: code, details: { path }, timestamp: expect.stringMatching(ISO_Z), request_id: expect.stringMatching(UUID_V4),
});

describe('authentication on routes 24–34', () => {
  const routes: [string, string][] = [
    ['get', PLANS], ['post', GENERATE], ['get', `${PLANS}/p1`], ['put', `${PLANS}/p1`], ['delete', `${PLANS}/p1`],
    ['get', `${PLANS}/p1/export`], ['post', `${PLANS}/p1/feedback`], ['get', `${PLANS}/p1/progress`], ['put', `${PLANS}/p1/progress`],
    ['get', '/api/v1/health-plan/templates'], ['post', '/api/v1/health-plan/templates/t1/create'],
  ];

  it.each(routes)('%s %s answers 403 AUTH_1005 without a header', async (method, path) => {
    const res = await request(api.app)[method as 'get'](path);
    expect(res.status).toBe(403);
    expect(res.body).toEqual(envelopeError(403, 'Not authenticated', 'AUTH_1005', path));
  });

  it.each(routes)('%s %s answers 401 AUTH_1004 for a bad token', async (method, path) => {
    const res = await request(api.app)[method as 'get'](path).set('Authorization', 'Bearer not-a-jwt');
    expect(res.status).toBe(401);
    expect(res.body).toEqual(envelopeError(401, 'Could not validate credentials', 'AUTH_1004', path));
  });
});

describe('GET /api/v1/health-plan/plans (24)', () => {
  it("lists the caller's stored plans in style F, every field with its alias", async () => {
    const res = await request(api.app).get(PLANS).set('Authorization', demo);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true, status: 'success', message: 'Health plans retrieved successfully', data: null,
      timestamp: expect.stringMatching(ISO_Z), request_id: expect.stringMatching(UUID_V4),
      plans: [expect.any(Object)], total_count: 1,
    });
    const [plan] = res.body.plans;
    expect(Object.keys(plan)).toEqual(['plan_id', 'title', 'description', 'modules', 'duration_days', 'status', 'progress', 'created_at', 'updated_at', 'id', 'duration']);
    expect(plan).toMatchObject({ plan_id: DEMO_PLAN_ID, id: DEMO_PLAN_ID, title: '30天个性化健康计划', duration_days: 30, duration: 30, status: 'active', progress: 28.5 });
    expect(plan.created_at).toMatch(ISO_Z);
    expect(plan.modules.map((m: { module_type: string; type: string }) => [m.module_type, m.type])).toEqual([['diet', 'diet'], ['exercise', 'exercise'], ['sleep', 'sleep']]);
  });

  it("shows another user none of user_001's plans", async () => {
    const res = await request(api.app).get(PLANS).set('Authorization', stranger);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ plans: [], total_count: 0, data: null });
  });

  it('answers 500 SYSTEM_1701 "Failed to retrieve health plans" when the database fails', async () => {
    const deadPool = createPool(`${env.db.url}_missing`, env.logger, 1);
    try {
      const broken = buildTestApp(env, {}, { pool: deadPool });
      const res = await request(broken.app).get(PLANS).set('Authorization', demo);
      expect(res.status).toBe(500);
      expect(res.body).toEqual(envelopeError(500, 'Failed to retrieve health plans', 'SYSTEM_1701', PLANS));
    } finally {
      await deadPool.end();
    }
  });
});

describe('POST /api/v1/health-plan/generate (25)', () => {
  const body = { goals: ['减重', '改善睡眠'], modules: ['diet', 'exercise', 'weight', 'sleep', 'mental', 'yoga_flow'], duration_days: 14 };

  it('stores a templated plan with one module per type, content computed from the profile', async () => {
    const res = await generate(demo, body);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, status: 'success', message: 'Health plan generated successfully', data: null });
    expect(res.body.recommendations).toEqual(['建议每天记录您的进展', '保持计划的一致性很重要', '如有不适请及时调整计划', '定期评估和更新目标']);
    const plan = res.body.plan;
    expect(plan.plan_id).toMatch(/^plan_user_001_\d{10}$/);
    expect(Math.abs(Number(plan.plan_id.split('_').at(-1)) - Date.now() / 1000)).toBeLessThan(60);
    expect(plan).toMatchObject({ id: plan.plan_id, title: '14天个性化健康计划', description: '基于您的目标：减重, 改善睡眠', duration_days: 14, duration: 14, status: 'active', progress: 0 });
    expect(plan.created_at).toMatch(ISO_Z);
    expect(plan.updated_at).toBe(plan.created_at);
    const [diet, exercise, weight, sleep, mental, yoga] = plan.modules;
    // user_001: 32 y, male, 175 cm, 72.5 kg, moderately active → Mifflin–St Jeor 1663.75 × 1.55, BMI in range.
    expect(diet).toEqual({ module_type: 'diet', type: 'diet', title: '个性化饮食计划', description: '根据您的目标和偏好定制的营养计划', duration_days: 14,
      content: { daily_calories: 2580, goals: body.goals, preferences: {}, recommendations: ['多吃蔬菜水果', '控制碳水化合物摄入', '增加蛋白质比例'] } });
    expect(exercise).toMatchObject({ title: '运动健身计划', content: { weekly_frequency: 4, session_duration: 45, intensity: 'moderate', exercises: ['有氧运动', '力量训练', '柔韧性训练'] } });
    expect(weight).toMatchObject({ title: '体重管理计划', content: { target_weight_change: 0, weekly_goal: 0, strategies: ['控制热量摄入', '增加运动量', '规律作息'] } });
    expect(sleep).toMatchObject({ title: '睡眠优化计划', content: { target_sleep_hours: 8, bedtime: '22:30', wake_time: '06:30', tips: expect.any(Array) } });
    expect(mental).toMatchObject({ title: '心理健康计划', content: { daily_meditation: 10, stress_management: ['深呼吸练习', '正念冥想', '适度运动'], mood_tracking: true } });
    expect(yoga).toEqual({ module_type: 'yoga_flow', type: 'yoga_flow', title: 'Yoga_Flow计划', description: '个性化的yoga_flow方案', content: {}, duration_days: 14 });

    const stored = await request(api.app).get(`${PLANS}/${plan.plan_id}`).set('Authorization', demo);
    expect(stored.body.plan).toEqual(plan);
  });

  it("keeps the snapshot's defaults without a profile, the duration default 30 and the preferences", async () => {
    const res = await generate(stranger, { goals: ['健康'], modules: ['diet', 'weight'], user_preferences: { vegetarian: true } });
    expect(res.status).toBe(200);
    const [diet, weight] = res.body.plan.modules;
    expect(res.body.plan).toMatchObject({ title: '30天个性化健康计划', duration_days: 30 });
    expect(diet.content).toMatchObject({ daily_calories: 2000, preferences: { vegetarian: true } });
    expect(weight.content).toMatchObject({ target_weight_change: -5, weekly_goal: -0.5 });
    expect(diet.duration_days).toBe(30);
  });

  it('accepts integer text for duration_days, as pydantic does', async () => {
    const res = await generate(stranger, { goals: ['g'], modules: ['sleep'], duration_days: '21' });
    expect(res.status).toBe(200);
    expect(res.body.plan).toMatchObject({ duration_days: 21, title: '21天个性化健康计划' });
  });

  it('gives plans generated in the same second distinct ids, all stored', async () => {
    const ids = await Promise.all([1, 2, 3].map(async () => (await generate(other, { goals: ['g'], modules: ['sleep'] })).body.plan.plan_id as string));
    expect(new Set(ids).size).toBe(3);
    const list = await request(api.app).get(PLANS).set('Authorization', other);
    expect(list.body.plans.map((p: { plan_id: string }) => p.plan_id).sort()).toEqual([...ids].sort());
    expect(list.body.total_count).toBe(3);
  });

  it.each([
    ['an empty goals list', { ...body, goals: [] }, { type: 'too_short', loc: ['body', 'goals'], msg: 'List should have at least 1 item after validation, not 0', input: [], ctx: { field_type: 'List', min_length: 1, actual_length: 0 } }],
    ['no modules', { goals: ['x'] }, { type: 'missing', loc: ['body', 'modules'], msg: 'Field required', input: { goals: ['x'] } }],
    ['a duration under 7', { ...body, duration_days: 6 }, { type: 'greater_than_equal', loc: ['body', 'duration_days'], msg: 'Input should be greater than or equal to 7', input: 6, ctx: { ge: 7 } }],
    ['a duration over 365', { ...body, duration_days: 366 }, { type: 'less_than_equal', loc: ['body', 'duration_days'], msg: 'Input should be less than or equal to 365', input: 366, ctx: { le: 365 } }],
    ['a duration that is not an integer', { ...body, duration_days: 'two weeks' }, { type: 'int_parsing', loc: ['body', 'duration_days'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'two weeks' }],
    ['a fractional duration', { ...body, duration_days: 30.5 }, { type: 'int_from_float', loc: ['body', 'duration_days'], msg: 'Input should be a valid integer, got a number with a fractional part', input: 30.5 }],
    ['a goal that is not a string', { ...body, goals: [1] }, { type: 'string_type', loc: ['body', 'goals', 0], msg: 'Input should be a valid string', input: 1 }],
    ['preferences that are not an object', { ...body, user_preferences: ['x'] }, { type: 'dict_type', loc: ['body', 'user_preferences'], msg: 'Input should be a valid dictionary', input: ['x'] }],
    ['a body that is not an object', ['diet'], { type: 'model_attributes_type', loc: ['body'], msg: 'Input should be a valid dictionary or object to extract fields from', input: ['diet'] }],
  ])('answers 422 for %s and stores nothing', async (_case, bad, detail) => {
    const before = await request(api.app).get(PLANS).set('Authorization', demo);
    const res = await generate(demo, bad);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [detail] });
    const after = await request(api.app).get(PLANS).set('Authorization', demo);
    expect(after.body.total_count).toBe(before.body.total_count);
  });

  it('answers 422 missing at ["body"] without a body', async () => {
    const res = await request(api.app).post(GENERATE).set('Authorization', demo);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] });
  });
});

describe('GET /api/v1/health-plan/plans/{plan_id} (26)', () => {
  it('returns the stored plan in style F', async () => {
    const res = await request(api.app).get(`${PLANS}/${DEMO_PLAN_ID}`).set('Authorization', demo);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, status: 'success', message: 'Health plan retrieved successfully', data: null });
    expect(res.body.plan).toMatchObject({ plan_id: DEMO_PLAN_ID, description: '基于您的目标：改善睡眠质量, 保持健康体重', progress: 28.5 });
    expect(res.body.plan.modules[0].content).toMatchObject({ daily_calories: 2580, preferences: { diet: '少油少盐' } });
  });

  it.each([
    ['a missing plan', 'plan_user_001_1', () => demo],
    ["another user's plan", DEMO_PLAN_ID, () => other],
  ])('answers 404 USER_1201 for %s', async (_case, planId, auth) => {
    const res = await request(api.app).get(`${PLANS}/${planId}`).set('Authorization', auth());
    expect(res.status).toBe(404);
    expect(res.body).toEqual(envelopeError(404, 'Health plan not found', 'USER_1201', `${PLANS}/${planId}`));
  });
});
