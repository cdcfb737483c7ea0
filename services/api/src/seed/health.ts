import type { Queryable } from '@aurawell/db';
import { addDays } from '../dates';
import { goalIdOf } from '../goals/store/measures';

/** A demo goal: made `daysAgo` days before today, due `dueIn` days after; weight goals start `lostKg` ago. */
type DemoHealthGoal = { userId: string; type: string; target: number; unit: string; description: string; daysAgo: number; dueIn: number; lostKg?: number };
type DemoUserGoal = DemoHealthGoal & { title: string; current: number | null };

export const DEMO_HEALTH_GOALS: DemoHealthGoal[] = [
  { userId: 'user_001', type: 'steps', target: 10000, unit: 'steps/day', description: 'Walk 10,000 steps daily', daysAgo: 5, dueIn: 30 },
  { userId: 'user_001', type: 'weight_loss', target: 5, unit: 'kg', description: 'Lose 5kg for better health', daysAgo: 10, dueIn: 90, lostKg: 1.5 },
  { userId: 'user_001', type: 'sleep', target: 8, unit: 'hours', description: 'Get 8 hours of sleep nightly', daysAgo: 15, dueIn: 60 },
  { userId: 'user_002', type: 'steps', target: 8000, unit: 'steps/day', description: '每天走8000步', daysAgo: 7, dueIn: 30 },
  { userId: 'user_002', type: 'fitness', target: 3, unit: 'sessions/week', description: '每周锻炼3次', daysAgo: 3, dueIn: 45 },
];

export const DEMO_USER_GOALS: DemoUserGoal[] = [
  { userId: 'user_001', title: '每日步数目标', type: 'steps', target: 10000, current: 7500, unit: '步', description: '每天走10000步', daysAgo: 5, dueIn: 30 },
  { userId: 'user_001', title: '减重目标', type: 'weight_loss', target: 5, current: 0, unit: 'kg', description: '在3个月内减重5公斤', daysAgo: 10, dueIn: 90, lostKg: 2 },
  { userId: 'user_002', title: '睡眠目标', type: 'sleep', target: 8, current: null, unit: 'hours', description: '每晚睡够8小时', daysAgo: 4, dueIn: 60 },
];

/** Mid-morning UTC of the day the demo goal was made. */
const createdAtOf = (today: string, daysAgo: number): Date => new Date(`${addDays(today, -daysAgo)}T09:00:00Z`);

/** The weight the goal is measured from: today's weight plus what has been lost since. */
const BASELINE = `(SELECT weight_kg + $9 FROM user_profiles WHERE user_id = $2)`;

const seedHealthGoal = async (db: Queryable, goal: DemoHealthGoal, today: string): Promise<void> => {
  const createdAt = createdAtOf(today, goal.daysAgo);
  await db.query(
    `INSERT INTO health_goals (id, user_id, goal_type, target_value, target_unit, description, target_date, created_at, baseline_weight_kg, updated_at)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, ${BASELINE}, $8
     WHERE NOT EXISTS (SELECT 1 FROM health_goals WHERE user_id = $2 AND goal_type = $3 AND description = $6)
     ON CONFLICT (id) DO NOTHING`,
    [goalIdOf(goal.userId, goal.type, createdAt), goal.userId, goal.type, goal.target, goal.unit, goal.description,
      addDays(today, goal.dueIn), createdAt, goal.lostKg ?? 0],
  );
};

const seedUserGoal = async (db: Queryable, goal: DemoUserGoal, today: string): Promise<void> => {
  const createdAt = createdAtOf(today, goal.daysAgo);
  await db.query(
    `INSERT INTO user_health_goals (id, user_id, type, target_value, unit, description, target_date, created_at, baseline_weight_kg,
       updated_at, title, initial_value)
     SELECT $1, $2, $3, $4, $5, $6, $7, $8, ${BASELINE}, $8, $10, $11
     WHERE NOT EXISTS (SELECT 1 FROM user_health_goals WHERE user_id = $2 AND title = $10)
     ON CONFLICT (id) DO NOTHING`,
    [goalIdOf(goal.userId, goal.type, createdAt), goal.userId, goal.type, goal.target, goal.unit, goal.description,
      addDays(today, goal.dueIn), createdAt, goal.lostKg ?? 0, goal.title, goal.current],
  );
};

/**
 * Demo data: a few health goals (routes 19–21) and user health goals (routes 14–15) for both
 * demo users. Idempotent (a goal with the same user and description or title is not added
 * again); runs inside seedDemoData's transaction, after the profiles.
 */
export const seedHealthExtras = async (db: Queryable, today: string): Promise<void> => {
  for (const goal of DEMO_HEALTH_GOALS) await seedHealthGoal(db, goal, today);
  for (const goal of DEMO_USER_GOALS) await seedUserGoal(db, goal, today);
};
