import { useTestEnv } from '../testing';
import { DEMO_HEALTH_GOALS, DEMO_USER_GOALS } from './health';
import { seedDemoData } from './seed';

const env = useTestEnv({ seed: false });

const goalsPerUser = async (table: 'health_goals' | 'user_health_goals') =>
  (await env.pool.query<{ user_id: string; n: number }>(`SELECT user_id, count(*)::int AS n FROM ${table} GROUP BY user_id ORDER BY user_id`)).rows;

describe('seedHealthExtras', () => {
  it('gives both demo users goals, and a second run adds none', async () => {
    await seedDemoData(env.pool);
    const health = await goalsPerUser('health_goals');
    const user = await goalsPerUser('user_health_goals');
    expect(health).toEqual([
      { user_id: 'user_001', n: DEMO_HEALTH_GOALS.filter((g) => g.userId === 'user_001').length },
      { user_id: 'user_002', n: DEMO_HEALTH_GOALS.filter((g) => g.userId === 'user_002').length },
    ]);
    expect(user.map((r) => r.user_id)).toEqual(['user_001', 'user_002']);
    expect(user.reduce((sum, r) => sum + r.n, 0)).toBe(DEMO_USER_GOALS.length);
    await seedDemoData(env.pool);
    expect(await goalsPerUser('health_goals')).toEqual(health);
    expect(await goalsPerUser('user_health_goals')).toEqual(user);
  });

  it('names each goal goal_{user}_{type}_{unix} of its creation time, due in the future', async () => {
    const { rows } = await env.pool.query<{ id: string; user_id: string; goal_type: string; unix: number; due: boolean }>(
      `SELECT id, user_id, goal_type, extract(epoch FROM created_at)::int AS unix, target_date > current_date AS due FROM health_goals`,
    );
    for (const r of rows) {
      expect(r.id).toBe(`goal_${r.user_id}_${r.goal_type}_${r.unix}`);
      expect(r.due).toBe(true);
    }
  });
});
