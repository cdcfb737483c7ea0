import request from 'supertest';
import { authFor, successData } from '../family/testing';
import { buildTestApp, useTestEnv } from '../testing';
import { DEMO_FAMILY_ID } from './demo';
import { DEMO_INVITEE_EMAIL, demoMetrics } from './family';
import { seedDemoData } from './seed';

const env = useTestEnv();

const counts = async () => {
  const { rows } = await env.pool.query<Record<string, number>>(
    `SELECT (SELECT count(*)::int FROM daily_health_metrics) AS metrics, (SELECT count(*)::int FROM family_challenges) AS challenges,
            (SELECT count(*)::int FROM family_challenge_participants) AS participants, (SELECT count(*)::int FROM family_invitations) AS invitations`,
  );
  return rows[0];
};

describe('seedFamilyExtras', () => {
  it('stores 21 days of metrics per demo user, three challenges and a pending invitation; a second run changes nothing', async () => {
    const first = await counts();
    expect(first).toEqual({ metrics: 42, challenges: 3, participants: 6, invitations: 1 });
    await seedDemoData(env.pool);
    expect(await counts()).toEqual(first);
    const { rows } = await env.pool.query('SELECT invitee_email, role, status, inviter_id FROM family_invitations WHERE family_id = $1', [DEMO_FAMILY_ID]);
    expect(rows).toEqual([{ invitee_email: DEMO_INVITEE_EMAIL, role: 'viewer', status: 'pending', inviter_id: 'user_001' }]);
  });

  it("ends user_001's weight near the profile's 72.5 kg after a steady loss, with every metric present", async () => {
    const { rows } = await env.pool.query<{ first: number; last: number; nulls: number }>(
      `SELECT (array_agg(weight_kg ORDER BY day))[1] AS first, (array_agg(weight_kg ORDER BY day DESC))[1] AS last,
              count(*) FILTER (WHERE resting_hr IS NULL OR max_hr IS NULL OR avg_hr IS NULL OR calorie_intake IS NULL
                               OR protein_grams IS NULL OR carb_grams IS NULL)::int AS nulls
       FROM daily_health_metrics WHERE user_id = 'user_001' AND day > current_date - 21`,
    );
    expect(rows[0]!.last).toBeCloseTo(72.5, 0);
    expect(rows[0]!.first - rows[0]!.last).toBeGreaterThan(1.5);
    expect(rows[0]!.nulls).toBe(0);
  });

  it('makes the same values for the same day', () => {
    const plan = { weightToday: 60, lossPerDay: 0.1, resting: [60, 62], calories: [1, 2], protein: [1, 2], carbs: [1, 2] } as const;
    expect(demoMetrics('u', plan, '2025-03-01', 3)).toEqual(demoMetrics('u', plan, '2025-03-01', 3));
    expect(demoMetrics('u', plan, '2025-03-01', 3)).not.toEqual(demoMetrics('u', plan, '2025-03-02', 3));
  });

  it('places one challenge in each of active, completed and upcoming', async () => {
    const api = buildTestApp(env);
    const res = await request(api.app).get(`/api/v1/family/${DEMO_FAMILY_ID}/challenges`).set(await authFor(api, 'user_002'));
    const data = successData(res, 'Family challenges retrieved successfully') as { active_challenges: unknown[]; completed_challenges: unknown[]; upcoming_challenges: unknown[] };
    expect([data.active_challenges, data.completed_challenges, data.upcoming_challenges].map((list) => list.length)).toEqual([1, 1, 1]);
  });
});
