import request from 'supertest';
import { PLAN_TEMPLATES } from './templates';
import { useTestApp, useTestEnv, UUID_V4 } from '../testing';

// Routes 33 (template catalogue) and 34 (plan from a template).
const TEMPLATES = '/api/v1/health-plan/templates';
const ISO_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

const env = useTestEnv();
const api = useTestApp(env);
let demo: string;
let stranger: string;

beforeAll(async () => {
  demo = `Bearer ${await api.tokens.issue('user_001')}`;
  stranger = `Bearer ${await api.tokens.issue('user_without_profile')}`;
});

const listTemplates = (query: Record<string, string> = {}) => request(api.app).get(TEMPLATES).query(query).set('Authorization', demo);
const createFrom = (templateId: string, body: unknown, auth = demo) =>
  request(api.app).post(`${TEMPLATES}/${templateId}/create`).set('Authorization', auth).set('Content-Type', 'application/json').send(JSON.stringify(body));

describe('GET /api/v1/health-plan/templates (33)', () => {
  it('lists the whole catalogue in style E', async () => {
    const res = await listTemplates();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      success: true, status: 'success', message: 'Plan templates retrieved successfully',
      data: { templates: PLAN_TEMPLATES, total_count: 3 }, timestamp: expect.stringMatching(ISO_Z), request_id: expect.stringMatching(UUID_V4),
    });
    expect(res.body.data.templates[0]).toEqual({
      id: 'template_weight_loss_beginner', name: '减重入门计划', description: '适合初学者的减重计划，包含饮食和运动指导', category: 'weight_loss',
      difficulty_level: 'beginner', duration_days: 30, modules: ['diet', 'exercise', 'weight'], goals: ['减重', '健康饮食', '建立运动习惯'], usage_count: 156, rating: 4.5,
    });
  });

  it.each([
    [{ category: 'fitness' }, ['template_fitness_intermediate']],
    [{ difficulty: 'beginner' }, ['template_weight_loss_beginner', 'template_wellness_beginner']],
    [{ category: 'wellness', difficulty: 'beginner' }, ['template_wellness_beginner']],
    [{ category: 'wellness', difficulty: 'intermediate' }, []],
    [{ category: 'Fitness' }, []],
    [{ category: '' }, ['template_weight_loss_beginner', 'template_fitness_intermediate', 'template_wellness_beginner']],
  ])('filters by exact match: %j', async (query, ids) => {
    const res = await listTemplates(query);
    expect(res.status).toBe(200);
    expect(res.body.data.templates.map((t: { id: string }) => t.id)).toEqual(ids);
    expect(res.body.data.total_count).toBe(ids.length);
  });
});

describe('POST /api/v1/health-plan/templates/{template_id}/create (34)', () => {
  it('stores a plan with one module per template module, content as in route 25 (style F)', async () => {
    const res = await createFrom('template_wellness_beginner', {});
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ success: true, status: 'success', message: 'Health plan created from template successfully', data: null });
    const plan = res.body.plan;
    expect(plan.plan_id).toMatch(/^plan_user_001_\d{10}$/);
    expect(plan).toMatchObject({
      id: plan.plan_id, title: '基于模板的健康计划', description: '使用模板 template_wellness_beginner 创建的个性化计划',
      duration_days: 30, duration: 30, status: 'active', progress: 0,
    });
    expect(plan.created_at).toMatch(ISO_Z);
    expect(plan.modules.map((m: { type: string; duration_days: number }) => [m.type, m.duration_days])).toEqual([['diet', 30], ['exercise', 30], ['sleep', 30], ['mental', 30]]);
    expect(plan.modules[0]).toMatchObject({ module_type: 'diet', title: '个性化饮食计划', content: { daily_calories: 2580, goals: ['整体健康', '生活平衡', '压力管理'], preferences: {} } });
    expect(plan.modules[2].content).toMatchObject({ target_sleep_hours: 8, bedtime: '22:30' });
    const stored = await request(api.app).get(`/api/v1/health-plan/plans/${plan.plan_id}`).set('Authorization', demo);
    expect(stored.body.plan).toEqual(plan);
  });

  it('applies duration_days and target_calories, keeping the customisations as sent', async () => {
    const res = await createFrom('template_weight_loss_beginner', { duration_days: 45, target_calories: 1800, note: '晚饭少吃' });
    expect(res.status).toBe(200);
    const [diet, exercise, weight] = res.body.plan.modules;
    expect(res.body.plan.duration_days).toBe(45);
    expect(diet.content).toMatchObject({ daily_calories: 1800, preferences: { duration_days: 45, target_calories: 1800, note: '晚饭少吃' } });
    expect(exercise.duration_days).toBe(45);
    expect(weight.content).toMatchObject({ target_weight_change: 0, weekly_goal: 0 });
    const list = await request(api.app).get('/api/v1/health-plan/plans').set('Authorization', demo);
    expect(list.body.plans.map((p: { plan_id: string }) => p.plan_id)).toContain(res.body.plan.plan_id);
  });

  it("uses the snapshot's 2000 kcal when there is neither target_calories nor a profile", async () => {
    const res = await createFrom('template_weight_loss_beginner', {}, stranger);
    expect(res.status).toBe(200);
    expect(res.body.plan.modules[0].content.daily_calories).toBe(2000);
    expect(res.body.plan.modules[2].content).toMatchObject({ target_weight_change: -5, weekly_goal: -0.5 });
  });

  it('answers 404 USER_1201 for an unknown template and stores nothing', async () => {
    const before = await env.pool.query('SELECT count(*)::int AS n FROM health_plans');
    const res = await createFrom('template_unknown', {});
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      success: false, status: 'error', message: 'Plan template not found', data: null, error_code: 'USER_1201',
      details: { path: `${TEMPLATES}/template_unknown/create` }, timestamp: expect.stringMatching(ISO_Z), request_id: expect.stringMatching(UUID_V4),
    });
    expect((await env.pool.query('SELECT count(*)::int AS n FROM health_plans')).rows[0].n).toBe(before.rows[0].n);
  });

  it.each([
    ['a duration under 7', { duration_days: 5 }, { type: 'greater_than_equal', loc: ['body', 'duration_days'], msg: 'Input should be greater than or equal to 7', input: 5, ctx: { ge: 7 } }],
    ['a duration that is not a number', { duration_days: 'long' }, { type: 'int_parsing', loc: ['body', 'duration_days'], msg: 'Input should be a valid integer, unable to parse string as an integer', input: 'long' }],
    ['target_calories of 0', { target_calories: 0 }, { type: 'greater_than', loc: ['body', 'target_calories'], msg: 'Input should be greater than 0', input: 0, ctx: { gt: 0 } }],
    ['a body that is a list', [], { type: 'dict_type', loc: ['body'], msg: 'Input should be a valid dictionary', input: [] }],
  ])('answers 422 for %s', async (_case, body, detail) => {
    const res = await createFrom('template_fitness_intermediate', body);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [detail] });
  });

  it('answers 422 missing at ["body"] without a body', async () => {
    const res = await request(api.app).post(`${TEMPLATES}/template_fitness_intermediate/create`).set('Authorization', demo);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] });
  });
});
