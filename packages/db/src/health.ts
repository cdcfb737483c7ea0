import type { Queryable } from './pool';

export type ProfileRow = {
  display_name: string | null;
  age: number | null;
  gender: string | null;
  height_cm: number | null;
  weight_kg: number | null;
  activity_level: string | null;
};
export type ActivityRow = { day: string; steps: number | null; distance_km: number | null; calories_burned: number | null; active_minutes: number | null };
export type SleepRow = { day: string; total_sleep_hours: number | null; deep_sleep_hours: number | null; sleep_efficiency: number | null };

/** What the store knows of one person's health: profile plus the last `days` days of records. */
export type HealthSnapshot = { profile: ProfileRow | null; activity: ActivityRow[]; sleep: SleepRow[] };

export const loadHealthSnapshot = async (db: Queryable, userId: string, days = 7): Promise<HealthSnapshot> => {
  const [profile, activity, sleep] = await Promise.all([
    db.query<ProfileRow>(
      'SELECT display_name, age, gender, height_cm, weight_kg, activity_level FROM user_profiles WHERE user_id = $1',
      [userId],
    ),
    db.query<ActivityRow>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, steps, distance_km, calories_burned, active_minutes
       FROM activity_records WHERE user_id = $1 AND day > current_date - $2::int ORDER BY day DESC`,
      [userId, days],
    ),
    db.query<SleepRow>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, total_sleep_hours, deep_sleep_hours, sleep_efficiency
       FROM sleep_records WHERE user_id = $1 AND day > current_date - $2::int ORDER BY day DESC`,
      [userId, days],
    ),
  ]);
  return { profile: profile.rows[0] ?? null, activity: activity.rows, sleep: sleep.rows };
};
