/**
 * What both goal tables share: how a goal's current value is measured from stored records, and
 * how goal ids are made.
 */

/** Days of records (ending today) a daily goal is measured over: its average is the current value. */
export const MEASURE_DAYS = 7;

/**
 * One row of the user's measured values (`$1` = user id): average steps and sleep hours over the
 * last MEASURE_DAYS days, and the profile's weight. Null where nothing is stored.
 */
export const MEASURES_SQL = `
  SELECT
    (SELECT round(avg(steps))::float8 FROM activity_records
      WHERE user_id = $1 AND steps IS NOT NULL AND day > current_date - ${MEASURE_DAYS} AND day <= current_date) AS steps,
    (SELECT round(avg(total_sleep_hours)::numeric, 1)::float8 FROM sleep_records
      WHERE user_id = $1 AND total_sleep_hours IS NOT NULL AND day > current_date - ${MEASURE_DAYS} AND day <= current_date) AS sleep_hours,
    (SELECT weight_kg FROM user_profiles WHERE user_id = $1) AS weight_kg`;

/** The value at creation plus the change since, never below 0 (greatest() would swallow a null, so test for one first). */
const weightChange = (initial: string, change: string, baseline: string): string => `
  CASE WHEN ${baseline} IS NULL OR m.weight_kg IS NULL THEN ${initial}
       ELSE round(greatest(0, coalesce(${initial}, 0) + ${change})::numeric, 1)::float8 END`;

/**
 * SQL for a goal's current value, given SQL for its kind, its value at creation and the weight at
 * creation (`m` is the MEASURES_SQL row). steps/sleep: the recent average; weight: the current
 * weight; weight_loss/weight_gain: the value at creation plus the change since (never below 0).
 * Without a measurement, and for kinds without a measure, the value at creation.
 */
export const measuredValueSql = (kind: string, initial: string, baseline: string): string => `
  CASE ${kind}
    WHEN 'steps' THEN coalesce(m.steps, ${initial})
    WHEN 'sleep' THEN coalesce(m.sleep_hours, ${initial})
    WHEN 'weight' THEN coalesce(m.weight_kg, ${initial})
    WHEN 'weight_loss' THEN ${weightChange(initial, `${baseline} - m.weight_kg`, baseline)}
    WHEN 'weight_gain' THEN ${weightChange(initial, `m.weight_kg - ${baseline}`, baseline)}
    ELSE ${initial}
  END`;

/** The weight a new goal is measured from (`$uid` = the user id parameter). */
export const baselineWeightSql = (uid: string): string => `(SELECT weight_kg FROM user_profiles WHERE user_id = ${uid})`;

/** `goal_{user_id}_{type}_{unix_seconds}` (contract routes 15 and 19). */
export const goalIdOf = (userId: string, type: string, at: Date): string => `goal_${userId}_${type}_${Math.floor(at.getTime() / 1000)}`;

const MAX_ID_ATTEMPTS = 100;

/**
 * Inserts under `baseId`; when a goal of the same user and type was created in the same second,
 * under `baseId_2`, `baseId_3`, … (`insert` returns undefined when its id is taken).
 */
export const insertUnderGoalId = async <T>(baseId: string, insert: (id: string) => Promise<T | undefined>): Promise<T> => {
  for (let n = 1; n <= MAX_ID_ATTEMPTS; n += 1) {
    const row = await insert(n === 1 ? baseId : `${baseId}_${n}`);
    if (row !== undefined) return row;
  }
  throw new Error(`no free goal id after ${MAX_ID_ATTEMPTS} attempts`);
};
