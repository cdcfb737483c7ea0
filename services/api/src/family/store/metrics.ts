import type { Queryable } from '@aurawell/db';

/** One person's records for one day, merged from activity, sleep and daily metrics (any may be missing). */
export type DayRecord = {
  day: string;
  steps: number | null;
  calories_burned: number | null;
  active_minutes: number | null;
  sleep_hours: number | null;
  deep_sleep_hours: number | null;
  sleep_efficiency: number | null;
  weight_kg: number | null;
  resting_hr: number | null;
  max_hr: number | null;
  avg_hr: number | null;
  calorie_intake: number | null;
  protein_grams: number | null;
  carb_grams: number | null;
};

/** Each user's day records from `from` to `to` inclusive, oldest first (users without any get []). */
export const loadDayRecords = async (db: Queryable, userIds: readonly string[], from: string, to: string): Promise<Map<string, DayRecord[]>> => {
  const { rows } = await db.query<DayRecord & { user_id: string }>(
    `WITH keys AS (
       SELECT user_id, day FROM activity_records WHERE user_id = ANY($1) AND day BETWEEN $2 AND $3
       UNION SELECT user_id, day FROM sleep_records WHERE user_id = ANY($1) AND day BETWEEN $2 AND $3
       UNION SELECT user_id, day FROM daily_health_metrics WHERE user_id = ANY($1) AND day BETWEEN $2 AND $3)
     SELECT k.user_id, to_char(k.day, 'YYYY-MM-DD') AS day, a.steps, a.calories_burned, a.active_minutes,
            s.total_sleep_hours AS sleep_hours, s.deep_sleep_hours, s.sleep_efficiency, m.weight_kg,
            m.resting_hr, m.max_hr, m.avg_hr, m.calorie_intake, m.protein_grams, m.carb_grams
     FROM keys k
       LEFT JOIN activity_records a USING (user_id, day)
       LEFT JOIN sleep_records s USING (user_id, day)
       LEFT JOIN daily_health_metrics m USING (user_id, day)
     ORDER BY k.user_id, k.day`,
    [userIds, from, to],
  );
  const byUser = new Map<string, DayRecord[]>(userIds.map((id) => [id, []]));
  for (const { user_id, ...record } of rows) byUser.get(user_id)?.push(record);
  return byUser;
};

/** Each user's most recent weight strictly before `day`, for weight-change baselines. */
export const weightsBefore = async (db: Queryable, userIds: readonly string[], day: string): Promise<Map<string, number>> => {
  const { rows } = await db.query<{ user_id: string; weight_kg: number }>(
    `SELECT DISTINCT ON (user_id) user_id, weight_kg FROM daily_health_metrics
     WHERE user_id = ANY($1) AND day < $2 AND weight_kg IS NOT NULL ORDER BY user_id, day DESC`,
    [userIds, day],
  );
  return new Map(rows.map((r) => [r.user_id, r.weight_kg]));
};

/** Heights in cm from the users' profiles (for BMI). */
export const heightsOf = async (db: Queryable, userIds: readonly string[]): Promise<Map<string, number>> => {
  const { rows } = await db.query<{ user_id: string; height_cm: number }>(
    'SELECT user_id, height_cm FROM user_profiles WHERE user_id = ANY($1) AND height_cm IS NOT NULL',
    [userIds],
  );
  return new Map(rows.map((r) => [r.user_id, r.height_cm]));
};
