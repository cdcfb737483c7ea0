import type { Queryable } from '@aurawell/db';
import { addDays } from '../dates';
import { insertChallenge, type NewChallenge } from '../family/store/challenges';
import { insertInvitation } from '../family/store/invitations';
import { DEMO_FAMILY_ID, DEMO_USERS, randomFor, SEED_DAYS } from './demo';

type Range = readonly [number, number];
/** One demo user's metrics: today's weight (the profile's), the daily loss going back in time, and value ranges. */
export type MetricPlan = { weightToday: number; lossPerDay: number; resting: Range; calories: Range; protein: Range; carbs: Range };

const METRIC_PLANS: Record<string, MetricPlan> = {
  user_001: { weightToday: 72.5, lossPerDay: 0.11, resting: [56, 64], calories: [1900, 2500], protein: [70, 120], carbs: [200, 300] },
  user_002: { weightToday: 55, lossPerDay: -0.02, resting: [62, 70], calories: [1600, 2100], protein: [55, 90], carbs: [170, 250] },
};

const between = (rnd: () => number, [min, max]: Range): number => min + rnd() * (max - min);

/** Deterministic daily metrics for one user `daysAgo` days before `today`. */
export const demoMetrics = (userId: string, plan: MetricPlan, day: string, daysAgo: number) => {
  const rnd = randomFor(`metrics:${userId}:${day}`);
  const resting = Math.round(between(rnd, plan.resting));
  return {
    weightKg: Math.round((plan.weightToday + plan.lossPerDay * daysAgo + between(rnd, [-0.15, 0.15])) * 10) / 10,
    restingHr: resting,
    maxHr: Math.round(between(rnd, [150, 178])),
    avgHr: resting + Math.round(between(rnd, [10, 18])),
    calorieIntake: Math.round(between(rnd, plan.calories)),
    proteinGrams: Math.round(between(rnd, plan.protein)),
    carbGrams: Math.round(between(rnd, plan.carbs)),
  };
};

const seedMetrics = async (db: Queryable, today: string): Promise<void> => {
  for (const [userId, plan] of Object.entries(METRIC_PLANS)) {
    for (let daysAgo = 0; daysAgo < SEED_DAYS; daysAgo += 1) {
      const day = addDays(today, -daysAgo);
      const m = demoMetrics(userId, plan, day, daysAgo);
      await db.query(
        `INSERT INTO daily_health_metrics (user_id, day, weight_kg, resting_hr, max_hr, avg_hr, calorie_intake, protein_grams, carb_grams)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (user_id, day) DO NOTHING`,
        [userId, day, m.weightKg, m.restingHr, m.maxHr, m.avgHr, m.calorieIntake, m.proteinGrams, m.carbGrams],
      );
    }
  }
};

/** An active, a completed and an upcoming challenge, placed relative to `today`. */
export const demoChallenges = (today: string): Omit<NewChallenge, 'family_id' | 'created_by' | 'participants'>[] => [
  {
    title: '每日八千步', description: '连续一周每天走满 8000 步', challenge_type: 'activity', target_metric: 'daily_steps',
    target_value: 8000, duration_days: 7, start_date: addDays(today, -3), rewards: ['家庭积分 100'],
  },
  {
    title: '一周五万步', description: '一周累计走满 50000 步', challenge_type: 'activity', target_metric: 'steps',
    target_value: 50000, duration_days: 7, start_date: addDays(today, -17), rewards: ['运动达人徽章'],
  },
  {
    title: '早睡早起', description: '两周内平均每晚睡足 7.5 小时', challenge_type: 'sleep', target_metric: 'sleep_hours',
    target_value: 7.5, duration_days: 14, start_date: addDays(today, 3), rewards: [],
  },
];

const seedChallenges = async (db: Queryable, today: string): Promise<void> => {
  for (const challenge of demoChallenges(today)) {
    const { rowCount } = await db.query('SELECT 1 FROM family_challenges WHERE family_id = $1 AND title = $2', [DEMO_FAMILY_ID, challenge.title]);
    if ((rowCount ?? 0) > 0) continue;
    const id = `challenge_${DEMO_FAMILY_ID}_${challenge.start_date.replace(/-/g, '')}_090000`;
    const participants = DEMO_USERS.map((u) => u.id);
    await insertChallenge(db, id, { ...challenge, family_id: DEMO_FAMILY_ID, created_by: 'user_001', participants });
  }
};

export const DEMO_INVITEE_EMAIL = 'new_member@aurawell.com';

const seedInvitation = async (db: Queryable): Promise<void> => {
  const { rowCount } = await db.query('SELECT 1 FROM family_invitations WHERE family_id = $1 AND invitee_email = $2', [DEMO_FAMILY_ID, DEMO_INVITEE_EMAIL]);
  if ((rowCount ?? 0) > 0) return;
  await insertInvitation(db, { familyId: DEMO_FAMILY_ID, inviterId: 'user_001', email: DEMO_INVITEE_EMAIL, role: 'viewer', message: '欢迎加入我们的家庭' });
};

/** Demo data: family invitations, challenges and the daily metrics the family dashboard reads (routes 36–48). Idempotent; runs inside seedDemoData's transaction. */
export const seedFamilyExtras = async (db: Queryable, today: string): Promise<void> => {
  await seedMetrics(db, today);
  await seedChallenges(db, today);
  await seedInvitation(db);
};
