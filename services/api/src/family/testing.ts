// Fixtures for the family tests: extra users and bearer headers, against the real database.
import type { Queryable } from '@aurawell/db';
import type { Response } from 'supertest';
import type { TestApp } from '../testing';
import { bearerFor } from '../testing-health';

/**
 * A user with an account email (and optionally a different profile email). The password hash is a
 * placeholder: these users never log in, the tests issue their tokens directly.
 */
export const createUser = async (
  db: Queryable,
  id: string,
  opts: { email?: string | null; profileEmail?: string; displayName?: string; heightCm?: number } = {},
): Promise<string> => {
  await db.query(`INSERT INTO users (id, username, email, password_hash, display_name) VALUES ($1, $2, $3, 'x', $4)`, [
    id, id.toLowerCase(), opts.email === undefined ? `${id}@example.com` : opts.email, opts.displayName ?? null,
  ]);
  if (opts.profileEmail || opts.heightCm) {
    await db.query('INSERT INTO user_profiles (user_id, email, height_cm) VALUES ($1, $2, $3)', [id, opts.profileEmail ?? null, opts.heightCm ?? null]);
  }
  return id;
};

/** `{ Authorization: 'Bearer …' }` for `userId`. */
export const authFor = async (api: TestApp, userId: string): Promise<Record<string, string>> => ({ Authorization: await bearerFor(api, userId) });

/** Asserts a style-E success body (status 200) and returns its `data`. */
export const successData = (res: Response, message: string | RegExp): unknown => {
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${JSON.stringify(res.body)}`);
  expect(res.body).toEqual({
    success: true, status: 'success', message: typeof message === 'string' ? message : expect.stringMatching(message),
    data: expect.anything(), timestamp: expect.stringMatching(/Z$/), request_id: res.headers['x-request-id'],
  });
  return res.body.data;
};

/** Asserts an error envelope with `status`, the code of contract §1.3 source 1, and `details.path`. */
export const expectHttpError = (res: Response, status: number, message: string | RegExp, path: string): void => {
  const codes: Record<number, string> = { 401: 'AUTH_1004', 403: 'AUTH_1005', 404: 'USER_1201' };
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: {
      success: false, status: 'error', message: typeof message === 'string' ? message : expect.stringMatching(message),
      data: null, error_code: codes[status] ?? 'SYSTEM_1701', details: { path }, timestamp: expect.any(String), request_id: expect.any(String),
    },
  });
};


export type DayValues = Partial<{
  steps: number; calories: number; activeMinutes: number; sleepHours: number; deepHours: number; efficiency: number;
  weight: number; restingHr: number; maxHr: number; avgHr: number; calorieIntake: number; protein: number; carbs: number;
}>;

/** Stores one day of records for `userId`: only the tables whose values are given get a row. */
export const insertDay = async (db: Queryable, userId: string, day: string, v: DayValues): Promise<void> => {
  if (v.steps !== undefined || v.calories !== undefined || v.activeMinutes !== undefined) {
    await db.query('INSERT INTO activity_records (user_id, day, steps, calories_burned, active_minutes) VALUES ($1, $2, $3, $4, $5)', [
      userId, day, v.steps ?? null, v.calories ?? null, v.activeMinutes ?? null,
    ]);
  }
  if (v.sleepHours !== undefined) {
    await db.query('INSERT INTO sleep_records (user_id, day, total_sleep_hours, deep_sleep_hours, sleep_efficiency) VALUES ($1, $2, $3, $4, $5)', [
      userId, day, v.sleepHours, v.deepHours ?? null, v.efficiency ?? null,
    ]);
  }
  const metrics = [v.weight, v.restingHr, v.maxHr, v.avgHr, v.calorieIntake, v.protein, v.carbs];
  if (metrics.some((m) => m !== undefined)) {
    await db.query(
      `INSERT INTO daily_health_metrics (user_id, day, weight_kg, resting_hr, max_hr, avg_hr, calorie_intake, protein_grams, carb_grams)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [userId, day, ...metrics.map((m) => m ?? null)],
    );
  }
};

/** A family of `ownerId` with `others` as members of the given roles, stored directly. */
export const createFamilyWith = async (db: Queryable, familyId: string, ownerId: string, others: [string, 'manager' | 'viewer'][] = []): Promise<string> => {
  await db.query('INSERT INTO families (id, name, owner_id) VALUES ($1, $2, $3)', [familyId, `family of ${ownerId}`, ownerId]);
  await db.query(`INSERT INTO family_members (family_id, user_id, role) VALUES ($1, $2, 'owner')`, [familyId, ownerId]);
  for (const [userId, role] of others) {
    await db.query('INSERT INTO family_members (family_id, user_id, role) VALUES ($1, $2, $3)', [familyId, userId, role]);
  }
  return familyId;
};
