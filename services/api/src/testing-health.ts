// Test fixtures of the health routes (10–21, 35): users without demo data, and records written
// straight to the tables (no REST route writes activity or sleep).
import { upsertUser, type Queryable } from '@aurawell/db';
import type { Express } from 'express';
import request from 'supertest';
import type { TestApp } from './testing';

/** `Authorization` header value for a fresh token of `userId`. */
export const bearerFor = async (api: TestApp, userId: string): Promise<string> => `Bearer ${await api.tokens.issue(userId)}`;

let userCount = 0;

/** A stored user with no profile, records or goals; ids end in three distinct digits. */
export const addBareUser = async (db: Queryable, prefix = 'bare'): Promise<string> => {
  userCount += 1;
  const id = `${prefix}_${process.pid % 1000}${String(userCount).padStart(3, '0')}`;
  await upsertUser(db, { id, username: id, email: `${id}@test.example`, password: 'secret_pw', displayName: id });
  return id;
};

export type ActivityValues = { steps?: number | null; distance_km?: number | null; calories_burned?: number | null; active_minutes?: number | null; exercise_sessions?: number | null };

export const addActivity = async (db: Queryable, userId: string, day: string, v: ActivityValues): Promise<void> => {
  await db.query(
    `INSERT INTO activity_records (user_id, day, steps, distance_km, calories_burned, active_minutes, exercise_sessions)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [userId, day, v.steps ?? null, v.distance_km ?? null, v.calories_burned ?? null, v.active_minutes ?? null, v.exercise_sessions ?? null],
  );
};

export const addSleep = async (db: Queryable, userId: string, day: string, hours: number): Promise<void> => {
  await db.query(
    `INSERT INTO sleep_records (user_id, day, total_sleep_hours, deep_sleep_hours, light_sleep_hours, rem_sleep_hours, sleep_efficiency, bedtime, wake_time)
     VALUES ($1, $2::date, $3::float8, 1.5, $3::float8 - 3, 1.5, 90, ((($2::date - 1) + time '23:00') AT TIME ZONE 'UTC'), (($2::date + time '07:00') AT TIME ZONE 'UTC'))`,
    [userId, day, hours],
  );
};

export const setWeight = async (db: Queryable, userId: string, weightKg: number): Promise<void> => {
  await db.query('UPDATE user_profiles SET weight_kg = $2 WHERE user_id = $1', [userId, weightKg]);
};

type Call = { method: 'get' | 'post' | 'put'; path: string };

/** Contract §1.5: 403 `Not authenticated` without a header, 401 for a token that does not verify. */
export const expectAuthRequired = async (app: Express, { method, path }: Call): Promise<void> => {
  const missing = await request(app)[method](path).send(method === 'get' ? undefined : {});
  expect(missing.status).toBe(403);
  expect(missing.body).toMatchObject({ success: false, error_code: 'AUTH_1005', message: 'Not authenticated', details: { path } });
  const bad = await request(app)[method](path).set('Authorization', 'Bearer not.a.token').send(method === 'get' ? undefined : {});
  expect(bad.status).toBe(401);
  expect(bad.body).toMatchObject({ success: false, error_code: 'AUTH_1004', message: 'Could not validate credentials' });
};

/** The fields of a style-F body besides the envelope's. */
export const envelopeOk = (message: string) => ({
  success: true,
  status: 'success',
  message,
  timestamp: expect.stringMatching(/Z$/),
  request_id: expect.any(String),
});

