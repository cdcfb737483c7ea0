import type { Queryable } from '@aurawell/db';

/** One stored day of activity, in the shape of contract §2.0 ActivitySummary. */
export type ActivityDay = {
  date: string;
  steps: number | null;
  distance_km: number | null;
  calories_burned: number | null;
  active_minutes: number | null;
  exercise_sessions: number | null;
};

/** One stored night (ending on `date`), in the shape of contract §2.0 SleepSummary. */
export type SleepNight = {
  date: string;
  total_sleep_hours: number | null;
  deep_sleep_hours: number | null;
  light_sleep_hours: number | null;
  rem_sleep_hours: number | null;
  sleep_efficiency: number | null;
  bedtime: string | null;
  wake_time: string | null;
};

/** Inclusive day range, newest first, at most `limit` records. */
export type DayRange = { from: string; to: string; limit?: number };

type SleepRow = Omit<SleepNight, 'bedtime' | 'wake_time'> & { bedtime: Date | null; wake_time: Date | null };

/** The database's today, `YYYY-MM-DD`: the day the stored records and the seed count from. */
export const databaseToday = async (db: Queryable): Promise<string> => {
  const { rows } = await db.query<{ today: string }>(`SELECT to_char(current_date, 'YYYY-MM-DD') AS today`);
  return rows[0]?.today ?? new Date().toISOString().slice(0, 10);
};

export const listActivity = async (db: Queryable, userId: string, range: DayRange): Promise<ActivityDay[]> => {
  const { rows } = await db.query<ActivityDay>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS date, steps, distance_km, calories_burned, active_minutes, exercise_sessions
     FROM activity_records WHERE user_id = $1 AND day BETWEEN $2::date AND $3::date
     ORDER BY day DESC LIMIT $4`,
    [userId, range.from, range.to, range.limit ?? null],
  );
  return rows;
};

export const listSleep = async (db: Queryable, userId: string, range: DayRange): Promise<SleepNight[]> => {
  const { rows } = await db.query<SleepRow>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS date, total_sleep_hours, deep_sleep_hours, light_sleep_hours, rem_sleep_hours,
            sleep_efficiency, bedtime, wake_time
     FROM sleep_records WHERE user_id = $1 AND day BETWEEN $2::date AND $3::date
     ORDER BY day DESC LIMIT $4`,
    [userId, range.from, range.to, range.limit ?? null],
  );
  return rows.map((row) => ({ ...row, bedtime: row.bedtime?.toISOString() ?? null, wake_time: row.wake_time?.toISOString() ?? null }));
};

/** The most recent stored day of activity within the range, or null. */
export const latestActivity = async (db: Queryable, userId: string, from: string, to: string): Promise<ActivityDay | null> =>
  (await listActivity(db, userId, { from, to, limit: 1 }))[0] ?? null;

/** The most recent stored night within the range, or null. */
export const latestSleep = async (db: Queryable, userId: string, from: string, to: string): Promise<SleepNight | null> =>
  (await listSleep(db, userId, { from, to, limit: 1 }))[0] ?? null;
