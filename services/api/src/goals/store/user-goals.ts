import type { Queryable } from '@aurawell/db';
import { baselineWeightSql, goalIdOf, insertUnderGoalId, measuredValueSql, MEASURES_SQL } from './measures';

/** A user health goal (routes 14–15) in the shape of contract §2.0 UserHealthGoal. */
export type UserHealthGoal = {
  id: string;
  title: string;
  description: string | null;
  type: string;
  target_value: number | null;
  current_value: number | null;
  unit: string | null;
  target_date: string | null;
  status: string;
  progress: number;
  created_at: string;
  updated_at: string;
};

export type NewUserHealthGoal = {
  title: string;
  description: string | null;
  type: string;
  targetValue: number | null;
  currentValue: number | null;
  unit: string | null;
  targetDate: string | null;
  status: string;
};

type GoalRow = Omit<UserHealthGoal, 'created_at' | 'updated_at'> & { created_at: Date; updated_at: Date };

const toGoal = (row: GoalRow): UserHealthGoal => ({ ...row, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() });

/** Route 15's rule: min(current / target × 100, 100) when both are non-zero, else 0 (and never below 0). */
const progressSql = (current: string, target: string): string => `
  CASE WHEN coalesce(${current}, 0) <> 0 AND coalesce(${target}, 0) <> 0
       THEN round(greatest(0, least(100, ${current} / ${target} * 100))::numeric, 1)::float8
       ELSE 0::float8 END`;

const fieldsWith = (current: string): string => `id, title, description, type, target_value, ${current} AS current_value, unit,
  to_char(target_date, 'YYYY-MM-DD') AS target_date, status, ${progressSql(current, 'target_value')} AS progress, created_at, updated_at`;

/**
 * Stores the goal as sent; the answer's progress is computed from the sent values (route 15).
 * Weight goals remember today's weight, to be measured from.
 */
export const createUserHealthGoal = async (
  db: Queryable,
  userId: string,
  goal: NewUserHealthGoal,
  now = new Date(),
): Promise<UserHealthGoal> => {
  const row = await insertUnderGoalId(goalIdOf(userId, goal.type, now), async (id) => {
    const { rows } = await db.query<GoalRow>(
      `INSERT INTO user_health_goals (id, user_id, title, description, type, target_value, initial_value, unit, target_date, status, baseline_weight_kg)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ${baselineWeightSql('$2')})
       ON CONFLICT (id) DO NOTHING
       RETURNING ${fieldsWith('initial_value')}`,
      [id, userId, goal.title, goal.description, goal.type, goal.targetValue, goal.currentValue, goal.unit, goal.targetDate, goal.status],
    );
    return rows[0];
  });
  return toGoal(row);
};

/**
 * Every goal of the user, in stored order. A goal whose type has a measure (steps, sleep, weight,
 * weight_loss, weight_gain; case-insensitive) shows the measured value, others the value sent.
 */
export const listUserHealthGoals = async (db: Queryable, userId: string): Promise<UserHealthGoal[]> => {
  const measured = measuredValueSql('lower(g.type)', 'g.initial_value', 'g.baseline_weight_kg');
  const { rows } = await db.query<GoalRow>(
    `WITH m AS (${MEASURES_SQL}),
     goals AS (SELECT g.*, ${measured} AS measured_value FROM user_health_goals g CROSS JOIN m WHERE g.user_id = $1)
     SELECT ${fieldsWith('measured_value')} FROM goals ORDER BY seq`,
    [userId],
  );
  return rows.map(toGoal);
};
