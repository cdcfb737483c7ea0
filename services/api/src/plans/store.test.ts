import { buildModules } from './modules';
import { seedDemoData } from '../seed/seed';
import { DEMO_PLAN_ID } from '../seed/plans';
import { createPlan, deletePlan, findPlan, loadProgressRecords, planIdFor, rewritePlan, storePlanRow, type PlanDraft } from './store';
import { useTestEnv } from '../testing';

const env = useTestEnv({ seed: false });

const draft = (userId: string, modules: string[] = ['diet', 'sleep']): PlanDraft => ({
  userId, title: 't', description: 'd', durationDays: 14, goals: ['g'], preferences: { a: 1 },
  modules: buildModules(modules, { goals: ['g'], preferences: {}, durationDays: 14, profile: null }),
});

const count = async (table: string, planId: string): Promise<number> =>
  (await env.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE plan_id = $1`, [planId])).rows[0]?.n ?? -1;

describe('seedPlans (through seedDemoData)', () => {
  it("stores one demo plan for user_001 with six days of module updates; a second run changes nothing", async () => {
    await seedDemoData(env.pool);
    const plan = await findPlan(env.pool, 'user_001', DEMO_PLAN_ID);
    expect(plan).toMatchObject({ duration_days: 30, status: 'active', progress: 28.5 });
    expect(plan?.modules.map((m) => m.module_type)).toEqual(['diet', 'exercise', 'sleep']);
    const records = await loadProgressRecords(env.pool, DEMO_PLAN_ID);
    expect(records).toHaveLength(18);
    expect(new Set(records.map((r) => r.record_date)).size).toBe(6);
    await seedDemoData(env.pool);
    expect(await loadProgressRecords(env.pool, DEMO_PLAN_ID)).toHaveLength(18);
    expect((await env.pool.query('SELECT count(*)::int AS n FROM health_plans')).rows[0].n).toBe(1);
    expect(await count('health_plan_modules', DEMO_PLAN_ID)).toBe(3);
  });
});

describe('createPlan', () => {
  it('moves to the next free second when plan_{user}_{seconds} is taken', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (let s = now - 1; s <= now + 2; s += 1) await storePlanRow(env.pool, planIdFor('user_ids', s), draft('user_ids'));
    const plan = await createPlan(env.pool, draft('user_ids'));
    const seconds = Number(plan.plan_id.replace('plan_user_ids_', ''));
    expect(seconds).toBeGreaterThan(now + 2);
    expect(seconds).toBeLessThan(now + 10);
    expect(await count('health_plan_modules', plan.plan_id)).toBe(2);
  });

  it('keeps modules in the requested order, repeats included', async () => {
    const plan = await createPlan(env.pool, draft('user_order', ['sleep', 'diet', 'sleep']));
    expect((await findPlan(env.pool, 'user_order', plan.plan_id))?.modules.map((m) => m.module_type)).toEqual(['sleep', 'diet', 'sleep']);
  });
});

describe('ownership', () => {
  it("neither finds, rewrites nor deletes another user's plan", async () => {
    const plan = await createPlan(env.pool, draft('user_owner'));
    expect(await findPlan(env.pool, 'user_thief', plan.plan_id)).toBeNull();
    expect(await rewritePlan(env.pool, plan.plan_id, { ...draft('user_thief'), title: 'stolen' })).toBeNull();
    expect(await deletePlan(env.pool, 'user_thief', plan.plan_id)).toBe(false);
    expect((await findPlan(env.pool, 'user_owner', plan.plan_id))?.title).toBe('t');
  });
});
