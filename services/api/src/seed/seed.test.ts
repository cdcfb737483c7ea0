import { checkCredentials } from '@aurawell/db';
import { DEMO_FAMILY_ID } from './demo';
import { demoActivity, demoSleep, seedDemoData } from './seed';
import { useTestEnv } from '../testing';

const env = useTestEnv({ seed: false });

const TABLES = ['users', 'user_profiles', 'activity_records', 'sleep_records', 'families', 'family_members'];

const counts = async (): Promise<Record<string, number>> => {
  const entries = await Promise.all(
    TABLES.map(async (table) => {
      const { rows } = await env.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      return [table, rows[0]?.n ?? -1] as const;
    }),
  );
  return Object.fromEntries(entries);
};

describe('seedDemoData', () => {
  it('loads the demo users, 21 days each, and the demo family; a second run changes no counts', async () => {
    await seedDemoData(env.pool);
    const first = await counts();
    expect(first).toEqual({ users: 2, user_profiles: 2, activity_records: 42, sleep_records: 42, families: 1, family_members: 2 });
    await seedDemoData(env.pool);
    expect(await counts()).toEqual(first);
  });

  it('lets the demo users log in with the contract passwords', async () => {
    await expect(checkCredentials(env.pool, 'demo_user', 'demo_password')).resolves.toBe('user_001');
    await expect(checkCredentials(env.pool, 'test_user', 'test_password')).resolves.toBe('user_002');
    await expect(checkCredentials(env.pool, 'demo_user', 'test_password')).resolves.toBeNull();
  });

  it('ends the records today and keeps values in realistic ranges', async () => {
    const { rows } = await env.pool.query<{ user_id: string; last: boolean; first: boolean; min_steps: number; max_steps: number; min_sleep: number; max_sleep: number }>(
      `SELECT a.user_id, max(a.day) = current_date AS last, min(a.day) = current_date - 20 AS first,
              min(a.steps) AS min_steps, max(a.steps) AS max_steps,
              min(s.total_sleep_hours) AS min_sleep, max(s.total_sleep_hours) AS max_sleep
       FROM activity_records a JOIN sleep_records s USING (user_id, day) GROUP BY a.user_id ORDER BY a.user_id`,
    );
    expect(rows.map((r) => r.user_id)).toEqual(['user_001', 'user_002']);
    for (const r of rows) {
      expect(r).toMatchObject({ last: true, first: true });
      expect(r.min_steps).toBeGreaterThanOrEqual(3000);
      expect(r.max_steps).toBeLessThanOrEqual(14000);
      expect(r.min_sleep).toBeGreaterThanOrEqual(5.5);
      expect(r.max_sleep).toBeLessThanOrEqual(8.5);
    }
  });

  it('makes user_001 owner and user_002 manager of the demo family', async () => {
    const { rows } = await env.pool.query<{ name: string; owner_id: string; user_id: string; role: string }>(
      `SELECT f.name, f.owner_id, m.user_id, m.role FROM families f JOIN family_members m ON m.family_id = f.id
       WHERE f.id = $1 ORDER BY m.user_id`,
      [DEMO_FAMILY_ID],
    );
    expect(rows).toEqual([
      { name: '演示家庭', owner_id: 'user_001', user_id: 'user_001', role: 'owner' },
      { name: '演示家庭', owner_id: 'user_001', user_id: 'user_002', role: 'manager' },
    ]);
  });
});

describe('demo values', () => {
  it('are the same for the same user and day, and differ between days', () => {
    expect(demoActivity('user_001', '2025-03-01')).toEqual(demoActivity('user_001', '2025-03-01'));
    expect(demoActivity('user_001', '2025-03-01')).not.toEqual(demoActivity('user_001', '2025-03-02'));
    expect(demoSleep('user_002', '2025-03-01')).toEqual(demoSleep('user_002', '2025-03-01'));
  });

  it('keep sleep stages consistent with the total and waking after bedtime', () => {
    for (let d = 1; d <= 28; d += 1) {
      const day = `2025-02-${String(d).padStart(2, '0')}`;
      const s = demoSleep('user_001', day);
      expect(s.deep + s.light + s.rem).toBeCloseTo(s.total, 1);
      expect(Date.parse(s.wakeTime)).toBeGreaterThan(Date.parse(s.bedtime));
      const a = demoActivity('user_001', day);
      expect(a.steps).toBeGreaterThanOrEqual(3000);
      expect(a.steps).toBeLessThanOrEqual(14000);
    }
  });
});
