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

/** A night as stored: times are Date from a column, text from inside JSON. */
type SleepRow = Omit<SleepNight, 'bedtime' | 'wake_time'> & { bedtime: Date | string | null; wake_time: Date | string | null };

/** The database's today, `YYYY-MM-DD`: the day the stored records and the seed count from. */
export const databaseToday = async (db: Queryable): Promise<string> => {
  const { rows } = await db.query<{ today: string }>(`SELECT to_char(current_date, 'YYYY-MM-DD') AS today`);
  return rows[0]?.today ?? new Date().toISOString().slice(0, 10);
};

const ACTIVITY_COLUMNS = `to_char(day, 'YYYY-MM-DD') AS date, steps, distance_km, calories_burned, active_minutes, exercise_sessions`;
const SLEEP_COLUMNS = `to_char(day, 'YYYY-MM-DD') AS date, total_sleep_hours, deep_sleep_hours, light_sleep_hours, rem_sleep_hours,
  sleep_efficiency, bedtime, wake_time`;

/** Bedtime and wake time as ISO 8601 UTC. */
const toNight = (row: SleepRow): SleepNight => ({
  ...row,
  bedtime: row.bedtime === null ? null : new Date(row.bedtime).toISOString(),
  wake_time: row.wake_time === null ? null : new Date(row.wake_time).toISOString(),
});

export const listActivity = async (db: Queryable, userId: string, range: DayRange): Promise<ActivityDay[]> => {
  const { rows } = await db.query<ActivityDay>(
    `SELECT ${ACTIVITY_COLUMNS}
     FROM activity_records WHERE user_id = $1 AND day BETWEEN $2::date AND $3::date
     ORDER BY day DESC LIMIT $4`,
    [userId, range.from, range.to, range.limit ?? null],
  );
  return rows;
};

export const listSleep = async (db: Queryable, userId: string, range: DayRange): Promise<SleepNight[]> => {
  const { rows } = await db.query<SleepRow>(
    `SELECT ${SLEEP_COLUMNS}
     FROM sleep_records WHERE user_id = $1 AND day BETWEEN $2::date AND $3::date
     ORDER BY day DESC LIMIT $4`,
    [userId, range.from, range.to, range.limit ?? null],
  );
  return rows.map(toNight);
};

/** The database's today, the first day of the last `days` days, and the latest stored day of activity and night of sleep within them. */
export type LatestDays = { today: string; periodStart: string; activity: ActivityDay | null; sleep: SleepNight | null };

/** Route 16's data in one round trip (it is a third of a client's polling). */
export const latestDays = async (db: Queryable, userId: string, days: number): Promise<LatestDays> => {
  const latest = (columns: string, table: string) =>
    `(SELECT row_to_json(r) FROM (SELECT ${columns} FROM ${table} WHERE user_id = $1 AND day BETWEEN p.start AND p.today ORDER BY day DESC LIMIT 1) r)`;
  const { rows } = await db.query<{ today: string; period_start: string; activity: ActivityDay | null; sleep: SleepRow | null }>({
    // Named: each connection plans it once (PostgreSQL's parsing and planning were most of its cost).
    name: 'health-latest-days',
    text: `SELECT to_char(p.today, 'YYYY-MM-DD') AS today, to_char(p.start, 'YYYY-MM-DD') AS period_start,
            ${latest(ACTIVITY_COLUMNS, 'activity_records')} AS activity, ${latest(SLEEP_COLUMNS, 'sleep_records')} AS sleep
     FROM (SELECT current_date AS today, current_date - ($2::int - 1) AS start) p`,
    values: [userId, days],
  });
  const row = rows[0];
  if (!row) throw new Error('latestDays: no row');
  return { today: row.today, periodStart: row.period_start, activity: row.activity, sleep: row.sleep && toNight(row.sleep) };
};
