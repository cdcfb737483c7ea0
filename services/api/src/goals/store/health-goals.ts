import type { Queryable } from '@aurawell/db';
import { baselineWeightSql, goalIdOf, insertUnderGoalId, measuredValueSql, MEASURES_SQL } from './measures';

/** A health goal (routes 19–21) in the shape of contract §2.0 HealthGoal. */
export type HealthGoal = {
  goal_id: string;
  goal_type: string;
  target_value: number;
  target_unit: string;
  current_value: number | null;
  progress_percentage: number | null;
  target_date: string | null;
  description: string | null;
  created_at: string;
  updated_at: string;
};

export type NewHealthGoal = {
  goalType: string;
  targetValue: number;
  targetUnit: string;
  targetDate: string | null;
  description: string | null;
};

/** Route 21's filters; each one present narrows the page (every one is implemented). */
export type HealthGoalFilter = {
  goalType?: string;
  /** Case-insensitive, in the description or the goal type. */
  search?: string;
  /** `completed` (progress ≥ 100) or `active`. */
  status?: string;
  /** Creation day (UTC), inclusive. */
  createdFrom?: string;
  createdTo?: string;
  isCompleted?: boolean;
  targetDateFrom?: string;
  targetDateTo?: string;
};

/** Sortable fields; route 21's other `sort_by` names keep the stored order. */
const SORT_COLUMNS: Record<string, string> = {
  created_at: 'created_at',
  updated_at: 'updated_at',
  progress: 'coalesce(progress_percentage, 0)',
  progress_percentage: 'coalesce(progress_percentage, 0)',
  target_date: 'target_date',
  target_value: 'target_value',
  current_value: 'current_value',
  goal_type: 'goal_type',
};

export const isSortableGoalField = (field: string): boolean => field in SORT_COLUMNS;

export type HealthGoalPageQuery = {
  filter: HealthGoalFilter;
  sort: { by: string; order: 'asc' | 'desc' } | null;
  limit: number;
  offset: number;
};

type GoalRow = Omit<HealthGoal, 'created_at' | 'updated_at'> & { created_at: Date; updated_at: Date };

const toGoal = (row: GoalRow): HealthGoal => ({ ...row, created_at: row.created_at.toISOString(), updated_at: row.updated_at.toISOString() });

const GOAL_FIELDS = `id AS goal_id, goal_type, target_value, target_unit, current_value, progress_percentage,
  to_char(target_date, 'YYYY-MM-DD') AS target_date, description, created_at, updated_at`;

/** The user's goals with their measured current value, progress and status (`$1` = user id). */
const MEASURED_GOALS = `
  WITH m AS (${MEASURES_SQL}),
  measured AS (
    SELECT g.*, ${measuredValueSql('g.goal_type', 'g.initial_value', 'g.baseline_weight_kg')} AS current_value
    FROM health_goals g CROSS JOIN m WHERE g.user_id = $1
  ),
  goals AS (
    SELECT measured.*, round((current_value / target_value * 100)::numeric, 1)::float8 AS progress_percentage,
           (created_at AT TIME ZONE 'UTC')::date AS created_day
    FROM measured
  )`;

const FILTERS = `
  ($2::text IS NULL OR goal_type = $2)
  AND ($3::text IS NULL OR strpos(lower(coalesce(description, '')), lower($3)) > 0 OR strpos(goal_type, lower($3)) > 0)
  AND ($4::text IS NULL OR (CASE WHEN progress_percentage >= 100 THEN 'completed' ELSE 'active' END) = $4)
  AND ($5::date IS NULL OR created_day >= $5) AND ($6::date IS NULL OR created_day <= $6)
  AND ($7::boolean IS NULL OR (coalesce(progress_percentage, 0) >= 100) = $7)
  AND ($8::date IS NULL OR target_date >= $8) AND ($9::date IS NULL OR target_date <= $9)`;

const filterParams = (f: HealthGoalFilter): unknown[] => [
  f.goalType ?? null, f.search ?? null, f.status ?? null, f.createdFrom ?? null, f.createdTo ?? null,
  f.isCompleted ?? null, f.targetDateFrom ?? null, f.targetDateTo ?? null,
];

const orderBy = (sort: HealthGoalPageQuery['sort']): string => {
  const column = sort ? SORT_COLUMNS[sort.by] : undefined;
  return column && sort ? `${column} ${sort.order === 'asc' ? 'ASC' : 'DESC'}, seq ASC` : 'seq ASC';
};

/** Stores a goal measured from now on; its weight baseline is the profile's weight today. */
export const createHealthGoal = async (db: Queryable, userId: string, goal: NewHealthGoal, now = new Date()): Promise<HealthGoal> => {
  const row = await insertUnderGoalId(goalIdOf(userId, goal.goalType, now), async (id) => {
    const { rows } = await db.query<GoalRow>(
      `INSERT INTO health_goals (id, user_id, goal_type, target_value, target_unit, target_date, description, baseline_weight_kg)
       VALUES ($1, $2, $3, $4, $5, $6, $7, ${baselineWeightSql('$2')})
       ON CONFLICT (id) DO NOTHING
       RETURNING id AS goal_id, goal_type, target_value, target_unit, initial_value AS current_value, 0::float8 AS progress_percentage,
                 to_char(target_date, 'YYYY-MM-DD') AS target_date, description, created_at, updated_at`,
      [id, userId, goal.goalType, goal.targetValue, goal.targetUnit, goal.targetDate, goal.description],
    );
    return rows[0];
  });
  return toGoal(row);
};

/** Every goal of the user, in stored order, measured. */
export const listHealthGoals = async (db: Queryable, userId: string): Promise<HealthGoal[]> => {
  const { rows } = await db.query<GoalRow>(`${MEASURED_GOALS} SELECT ${GOAL_FIELDS} FROM goals ORDER BY seq`, [userId]);
  return rows.map(toGoal);
};

/** One page of the user's goals after filtering and sorting, and how many match in all. */
export const pageHealthGoals = async (
  db: Queryable,
  userId: string,
  q: HealthGoalPageQuery,
): Promise<{ goals: HealthGoal[]; total: number }> => {
  const params = [userId, ...filterParams(q.filter)];
  const [page, count] = await Promise.all([
    db.query<GoalRow>(
      `${MEASURED_GOALS} SELECT ${GOAL_FIELDS} FROM goals WHERE ${FILTERS} ORDER BY ${orderBy(q.sort)} LIMIT $10 OFFSET $11`,
      [...params, q.limit, q.offset],
    ),
    db.query<{ total: number }>(`${MEASURED_GOALS} SELECT count(*)::int AS total FROM goals WHERE ${FILTERS}`, params),
  ]);
  return { goals: page.rows.map(toGoal), total: count.rows[0]?.total ?? 0 };
};
