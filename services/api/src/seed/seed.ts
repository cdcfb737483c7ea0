import { upsertUser, withTransaction, type Pool, type Queryable } from '@aurawell/db';
import { addDays } from '../dates';
import { databaseToday } from '../health/store';
import { DEMO_FAMILY_ID, DEMO_FAMILY_NAME, DEMO_USERS, randomFor, SEED_DAYS } from './demo';
import { seedFamilyExtras } from './family';
import { seedHealthExtras } from './health';
import { seedPlans } from './plans';

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;
const between = (rnd: () => number, min: number, max: number): number => min + rnd() * (max - min);

export const demoActivity = (userId: string, day: string) => {
  const rnd = randomFor(`activity:${userId}:${day}`);
  const steps = Math.round(between(rnd, 3000, 14000));
  const activeMinutes = Math.round(steps / 160 + between(rnd, 0, 15));
  return {
    steps,
    distanceKm: round(steps * between(rnd, 0.0007, 0.00078), 2),
    caloriesBurned: Math.round(steps * 0.04 + activeMinutes * between(rnd, 3, 5)),
    activeMinutes,
    exerciseSessions: steps > 10000 ? 1 + Math.round(rnd()) : Math.round(rnd() * 0.6),
  };
};

/** A night ending on `day` (Beijing time, the original's users). */
export const demoSleep = (userId: string, day: string) => {
  const rnd = randomFor(`sleep:${userId}:${day}`);
  const total = round(between(rnd, 5.5, 8.5), 1);
  const deep = round(total * between(rnd, 0.15, 0.25), 1);
  const rem = round(total * between(rnd, 0.18, 0.25), 1);
  const efficiency = round(between(rnd, 80, 95), 1);
  const bedtime = new Date(Date.parse(`${addDays(day, -1)}T22:00:00+08:00`) + Math.round(between(rnd, 0, 150)) * 60_000);
  const inBedMs = ((total * 100) / efficiency) * 3_600_000;
  return {
    total, deep, rem, light: round(total - deep - rem, 1), efficiency,
    bedtime: bedtime.toISOString(),
    wakeTime: new Date(bedtime.getTime() + Math.round(inBedMs / 60_000) * 60_000).toISOString(),
  };
};

const seedProfile = async (db: Queryable, user: (typeof DEMO_USERS)[number]): Promise<void> => {
  const p = user.profile;
  await db.query(
    `INSERT INTO user_profiles (user_id, display_name, email, age, gender, height_cm, weight_kg, activity_level)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (user_id) DO NOTHING`,
    [user.id, user.displayName, user.email, p.age, p.gender, p.heightCm, p.weightKg, p.activityLevel],
  );
};

const seedDay = async (db: Queryable, userId: string, day: string): Promise<void> => {
  const a = demoActivity(userId, day);
  await db.query(
    `INSERT INTO activity_records (user_id, day, steps, distance_km, calories_burned, active_minutes, exercise_sessions)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id, day) DO NOTHING`,
    [userId, day, a.steps, a.distanceKm, a.caloriesBurned, a.activeMinutes, a.exerciseSessions],
  );
  const s = demoSleep(userId, day);
  await db.query(
    `INSERT INTO sleep_records (user_id, day, total_sleep_hours, deep_sleep_hours, light_sleep_hours, rem_sleep_hours,
       sleep_efficiency, bedtime, wake_time)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (user_id, day) DO NOTHING`,
    [userId, day, s.total, s.deep, s.light, s.rem, s.efficiency, s.bedtime, s.wakeTime],
  );
};

const seedFamily = async (db: Queryable): Promise<void> => {
  await db.query(
    `INSERT INTO families (id, name, description, owner_id) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
    [DEMO_FAMILY_ID, DEMO_FAMILY_NAME, '演示用的家庭，成员为两位演示用户', 'user_001'],
  );
  await db.query(
    `INSERT INTO family_members (family_id, user_id, role) VALUES ($1, 'user_001', 'owner'), ($1, 'user_002', 'manager')
     ON CONFLICT (family_id, user_id) DO NOTHING`,
    [DEMO_FAMILY_ID],
  );
};

/**
 * Idempotent demo data: both users (password hashes refreshed), profiles, the last
 * `SEED_DAYS` days of activity and sleep ending today (the database's today), and the family.
 * Rows that exist are left as they are; one transaction, so a failure leaves nothing half done.
 */
export const seedDemoData = (pool: Pool): Promise<void> =>
  withTransaction(pool, async (client) => {
    const today = await databaseToday(client);
    for (const user of DEMO_USERS) {
      await upsertUser(client, user);
      await seedProfile(client, user);
      for (let offset = 0; offset < SEED_DAYS; offset += 1) await seedDay(client, user.id, addDays(today, -offset));
    }
    await seedFamily(client);
    for (const seedArea of [seedHealthExtras, seedPlans, seedFamilyExtras]) await seedArea(client, today);
  });
