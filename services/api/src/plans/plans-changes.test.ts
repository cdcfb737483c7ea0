import request from 'supertest';
import { DEMO_PLAN_ID } from '../seed/plans';
import { useTestApp, useTestEnv, UUID_V4 } from '../testing';

// Routes 27 (update), 28 (delete) and 29 (export).
const PLANS = '/api/v1/health-plan/plans';
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const env = useTestEnv();
const api = useTestApp(env);
let demo: string;
let other: string;

beforeAll(async () => {
  demo = `Bearer ${await api.tokens.issue('user_001')}`;
  other = `Bearer ${await api.tokens.issue('user_002')}`;
});

const newPlan = async (auth: string, modules = ['diet']): Promise<{ plan_id: string; created_at: string }> => {
  const res = await request(api.app).post('/api/v1/health-plan/generate').set('Authorization', auth).send({ goals: ['减重'], modules });
  expect(res.status).toBe(200);
  return res.body.plan;
};
const getPlan = (auth: string, planId: string) => request(api.app).get(`${PLANS}/${planId}`).set('Authorization', auth);
const notFound = (path: string) => ({
  success: false, status: 'error', message: 'Health plan not found', data: null, error_code: 'USER_1201', details: { path },
  timestamp: expect.stringMatching(ISO_Z), request_id: expect.stringMatching(UUID_V4),
});

describe('PUT /api/v1/health-plan/plans/{plan_id} (27)', () => {
  it('regenerates the modules, restarts progress and keeps created_at; the change is stored', async () => {
    const plan = await newPlan(demo, ['diet']);
    await request(api.app).put(`${PLANS}/${plan.plan_id}/progress`).set('Authorization', demo).send({ progress: 40 }).expect(200);
    const res = await request(api.app).put(`${PLANS}/${plan.plan_id}`).set('Authorization', demo)
      .send({ goals: ['增肌', '睡好'], modules: ['exercise', 'sleep', 'mental'], duration_days: 60, preferences: { gym: true } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, status: 'success', message: 'Health plan updated successfully', data: null });
    expect(res.body.plan).toMatchObject({
      plan_id: plan.plan_id, id: plan.plan_id, title: '更新的60天健康计划', description: '基于您的目标：增肌, 睡好',
      duration_days: 60, duration: 60, status: 'active', progress: 0, created_at: plan.created_at,
    });
    expect(res.body.plan.updated_at >= plan.created_at).toBe(true);
    expect(res.body.plan.modules.map((m: { type: string; duration_days: number }) => [m.type, m.duration_days])).toEqual([['exercise', 60], ['sleep', 60], ['mental', 60]]);
    expect((await getPlan(demo, plan.plan_id)).body.plan).toEqual(res.body.plan);
    const progress = await request(api.app).get(`${PLANS}/${plan.plan_id}/progress`).set('Authorization', demo);
    expect(progress.body.data).toMatchObject({ overall_progress: 0, module_progress: { exercise: 0, sleep: 0, mental: 0 } });
  });

  it('accepts empty lists (the original request only requires them), with diet preferences from `preferences`', async () => {
    const plan = await newPlan(demo);
    const res = await request(api.app).put(`${PLANS}/${plan.plan_id}`).set('Authorization', demo).send({ goals: [], modules: [] });
    expect(res.status).toBe(200);
    expect(res.body.plan).toMatchObject({ title: '更新的30天健康计划', description: '基于您的目标：', modules: [], duration_days: 30 });
    expect((await getPlan(demo, plan.plan_id)).body.plan.modules).toEqual([]);
    const diet = await request(api.app).put(`${PLANS}/${plan.plan_id}`).set('Authorization', demo).send({ goals: ['g'], modules: ['diet'], preferences: { spicy: false } });
    expect(diet.body.plan.modules[0].content.preferences).toEqual({ spicy: false });
  });

  it.each([
    ['a missing plan', 'plan_user_001_42', () => demo],
    ["another user's plan", DEMO_PLAN_ID, () => other],
  ])('answers 404 USER_1201 for %s and changes nothing', async (_case, planId, auth) => {
    const res = await request(api.app).put(`${PLANS}/${planId}`).set('Authorization', auth()).send({ goals: ['x'], modules: ['diet'] });
    expect(res.status).toBe(404);
    expect(res.body).toEqual(notFound(`${PLANS}/${planId}`));
    if (planId === DEMO_PLAN_ID) expect((await getPlan(demo, DEMO_PLAN_ID)).body.plan.title).toBe('30天个性化健康计划');
  });

  it.each([
    ['no goals', { modules: [] }, { type: 'missing', loc: ['body', 'goals'], msg: 'Field required', input: { modules: [] } }],
    ['modules not a list', { goals: [], modules: 'diet' }, { type: 'list_type', loc: ['body', 'modules'], msg: 'Input should be a valid list', input: 'diet' }],
    ['a duration under 7', { goals: [], modules: [], duration_days: 0 }, { type: 'greater_than_equal', loc: ['body', 'duration_days'], msg: 'Input should be greater than or equal to 7', input: 0, ctx: { ge: 7 } }],
    ['preferences not an object', { goals: [], modules: [], preferences: 'x' }, { type: 'dict_type', loc: ['body', 'preferences'], msg: 'Input should be a valid dictionary', input: 'x' }],
  ])('answers 422 for %s', async (_case, body, detail) => {
    const res = await request(api.app).put(`${PLANS}/${DEMO_PLAN_ID}`).set('Authorization', demo).send(body);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [detail] });
  });
});

describe('DELETE /api/v1/health-plan/plans/{plan_id} (28)', () => {
  it('really deletes the plan with its progress and feedback (style E, data null)', async () => {
    const plan = await newPlan(demo);
    await request(api.app).put(`${PLANS}/${plan.plan_id}/progress`).set('Authorization', demo).send({ progress: 10 }).expect(200);
    await request(api.app).post(`${PLANS}/${plan.plan_id}/feedback`).set('Authorization', demo).send({ rating: 5 }).expect(200);
    const res = await request(api.app).delete(`${PLANS}/${plan.plan_id}`).set('Authorization', demo);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true, status: 'success', message: 'Health plan deleted successfully', data: null,
      timestamp: expect.stringMatching(ISO_Z), request_id: expect.stringMatching(UUID_V4),
    });
    expect((await getPlan(demo, plan.plan_id)).status).toBe(404);
    const list = await request(api.app).get(PLANS).set('Authorization', demo);
    expect(list.body.plans.map((p: { plan_id: string }) => p.plan_id)).not.toContain(plan.plan_id);
    const left = await env.pool.query(
      `SELECT (SELECT count(*) FROM health_plan_progress WHERE plan_id = $1)::int + (SELECT count(*) FROM health_plan_feedback WHERE plan_id = $1)::int
        + (SELECT count(*) FROM health_plan_modules WHERE plan_id = $1)::int AS n`,
      [plan.plan_id],
    );
    expect(left.rows[0].n).toBe(0);
    expect((await request(api.app).delete(`${PLANS}/${plan.plan_id}`).set('Authorization', demo)).status).toBe(404);
  });

  it("answers 404 for another user's plan and leaves it in place", async () => {
    const res = await request(api.app).delete(`${PLANS}/${DEMO_PLAN_ID}`).set('Authorization', other);
    expect(res.status).toBe(404);
    expect(res.body).toEqual(notFound(`${PLANS}/${DEMO_PLAN_ID}`));
    expect((await getPlan(demo, DEMO_PLAN_ID)).status).toBe(200);
  });
});

describe('GET /api/v1/health-plan/plans/{plan_id}/export (29)', () => {
  const exportPath = `${PLANS}/${DEMO_PLAN_ID}/export`;

  it('acknowledges a pdf export by default (style E)', async () => {
    const res = await request(api.app).get(exportPath).set('Authorization', demo);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true, status: 'success', message: 'Health plan exported successfully in pdf format',
      data: { export_format: 'pdf', plan_id: DEMO_PLAN_ID }, timestamp: expect.stringMatching(ISO_Z), request_id: expect.stringMatching(UUID_V4),
    });
  });

  it.each(['json', 'txt'])('acknowledges format=%s', async (format) => {
    const res = await request(api.app).get(exportPath).query({ format }).set('Authorization', demo);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ message: `Health plan exported successfully in ${format} format`, data: { export_format: format, plan_id: DEMO_PLAN_ID } });
  });

  it('answers 400 SYSTEM_1701 for another format', async () => {
    const res = await request(api.app).get(exportPath).query({ format: 'docx' }).set('Authorization', demo);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, message: 'Invalid export format. Supported formats: pdf, json, txt', error_code: 'SYSTEM_1701', details: { path: exportPath } });
  });

  it.each([
    ['a missing plan', 'plan_user_001_7', () => demo],
    ["another user's plan", DEMO_PLAN_ID, () => other],
  ])('answers 404 USER_1201 for %s', async (_case, planId, auth) => {
    const res = await request(api.app).get(`${PLANS}/${planId}/export`).query({ format: 'json' }).set('Authorization', auth());
    expect(res.status).toBe(404);
    expect(res.body).toEqual(notFound(`${PLANS}/${planId}/export`));
  });
});
