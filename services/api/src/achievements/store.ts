import type { Queryable } from '@aurawell/db';

/** Route 35's thresholds, in the units of activity_records. */
export type AchievementTargets = { distanceKm: number; calories: number; streakDays: number };

/**
 * The best the user has done, over all stored activity, and the day each threshold was first
 * reached (null while it is not).
 */
export type ActivityBests = {
  /** The first day with a step record (steps > 0). */
  firstStepDay: string | null;
  bestDistanceKm: number | null;
  distanceReachedOn: string | null;
  bestCalories: number | null;
  caloriesReachedOn: string | null;
  /** The longest run of consecutive days with at least one exercise session. */
  longestExerciseStreak: number;
  /** The day the first run reached `streakDays` days. */
  streakReachedOn: string | null;
};

/** Consecutive exercise days are grouped by (day − row number): a run shares one group value. */
const BESTS_SQL = `
  WITH a AS (SELECT day, steps, distance_km, calories_burned, exercise_sessions FROM activity_records WHERE user_id = $1),
  exercise_days AS (SELECT day, day - (row_number() OVER (ORDER BY day))::int AS run FROM a WHERE exercise_sessions > 0),
  runs AS (SELECT min(day) AS first_day, count(*)::int AS length FROM exercise_days GROUP BY run)
  SELECT
    (SELECT to_char(min(day), 'YYYY-MM-DD') FROM a WHERE steps > 0) AS "firstStepDay",
    (SELECT max(distance_km) FROM a) AS "bestDistanceKm",
    (SELECT to_char(min(day), 'YYYY-MM-DD') FROM a WHERE distance_km >= $2) AS "distanceReachedOn",
    (SELECT max(calories_burned) FROM a) AS "bestCalories",
    (SELECT to_char(min(day), 'YYYY-MM-DD') FROM a WHERE calories_burned >= $3) AS "caloriesReachedOn",
    (SELECT coalesce(max(length), 0) FROM runs) AS "longestExerciseStreak",
    (SELECT to_char(min(first_day + ($4::int - 1)), 'YYYY-MM-DD') FROM runs WHERE length >= $4) AS "streakReachedOn"`;

export const loadActivityBests = async (db: Queryable, userId: string, targets: AchievementTargets): Promise<ActivityBests> => {
  const { rows } = await db.query<ActivityBests>(BESTS_SQL, [userId, targets.distanceKm, targets.calories, targets.streakDays]);
  return rows[0] as ActivityBests;
};
