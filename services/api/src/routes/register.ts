import { randomUUID } from 'node:crypto';
import { hashPassword, PASSWORD_MAX_BYTES, passwordFitsBcrypt, type Pool } from '@aurawell/db';
import { z } from 'zod';
import { envelopeOf } from '@aurawell/protocol';
import type { ApiConfig } from '../config';
import { clientSubject } from '../http/client-ip';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { createLimiter, throttle, type ThrottleDeps } from '../http/throttle';

/** Contract §2.0 email vocabulary. */
export const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;
const ACTIVITY_LEVELS = ['sedentary', 'lightly_active', 'moderately_active', 'very_active', 'extremely_active'];

export const RegisterRequest = z.object({
  username: z.string().min(3).max(50).regex(/^[A-Za-z0-9_]+$/),
  email: z.string().regex(EMAIL),
  password: z
    .string()
    .min(6)
    .max(128)
    .refine((p) => p === p.trim(), { message: 'Password must not start or end with whitespace' })
    // bcrypt reads only the first 72 bytes: a longer password would be cut without a word.
    .refine(passwordFitsBcrypt, { message: `Password must be at most ${PASSWORD_MAX_BYTES} bytes in UTF-8` }),
  health_data: z
    .object({
      age: z.int().min(13).max(120).nullish(),
      gender: z.string().nullish(),
      height: z.number().min(50).max(300).nullish(),
      weight: z.number().min(20).max(500).nullish(),
      activity_level: z.string().nullish(),
    })
    .nullish(),
});
type RegisterRequest = z.output<typeof RegisterRequest>;

const duplicate = (field: 'username' | 'email', message: string, value: string) =>
  new HttpError(422, message, {
    code: 'VALIDATION_1101',
    details: { error_code: 'VALIDATION_1101', message: 'Invalid input data provided', field, value },
  });

/** The user and their profile in one transaction; a taken username or email is a 422 as the contract says. */
const createAccount = async (pool: Pool, userId: string, body: RegisterRequest): Promise<void> => {
  const username = body.username.toLowerCase();
  const h = body.health_data ?? {};
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const taken = await client.query<{ username: string }>('SELECT username FROM users WHERE username = $1 OR lower(email) = lower($2)', [username, body.email]);
    if (taken.rows.some((r) => r.username === username)) throw duplicate('username', 'Username already exists', username);
    if (taken.rows.length > 0) throw duplicate('email', 'Email already registered', body.email);
    await client.query('INSERT INTO users (id, username, email, password_hash, display_name) VALUES ($1, $2, $3, $4, $5)', [
      userId, username, body.email, await hashPassword(body.password), username,
    ]);
    await client.query(
      `INSERT INTO user_profiles (user_id, display_name, email, age, gender, height_cm, weight_kg, activity_level)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [userId, username, body.email, h.age ?? null, h.gender ? (['male', 'female'].includes(h.gender) ? h.gender : 'other') : null,
        h.height ?? null, h.weight ?? null, h.activity_level ? (ACTIVITY_LEVELS.includes(h.activity_level) ? h.activity_level : 'moderately_active') : null],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
};

const REGISTER_PATH = '/api/v1/auth/register';

/**
 * Route 2: `POST /api/v1/auth/register` (public); registered users can then log in. Every
 * registration that passes validation counts against its client IP (a taken name too: the
 * answer tells which usernames exist).
 */
export const registerRoutes = (deps: ThrottleDeps & { pool: Pool; config: ApiConfig }): Endpoint[] => {
  const perIp = createLimiter(deps, REGISTER_PATH, 'register:ip', 'ip', { points: deps.config.REGISTER_IP_MAX_PER_HOUR, seconds: 3600 });
  return [
    endpoint(null, {
      method: 'post',
      path: REGISTER_PATH,
      summary: 'Create an account (with optional health data); log in afterwards',
      description: 'Throttled per client IP: 429 with `Retry-After` (seconds) once over the limit.',
      tag: 'auth',
      auth: false,
      body: RegisterRequest,
      response: envelopeOf(z.object({ user_id: z.string() })),
      errors: [429, 500],
      handle: async ({ req, res, body }) => {
        await throttle(res, [[perIp, clientSubject(req)]]);
        const userId = randomUUID();
        try {
          await createAccount(deps.pool, userId, body);
        } catch (err) {
          if (err instanceof HttpError) throw err;
          // Two registrations racing for the same name: the unique index decides.
          if ((err as { code?: string }).code === '23505') throw duplicate('username', 'Username already exists', body.username.toLowerCase());
          deps.logger.error({ err }, 'registration failed');
          throw new HttpError(500, 'Registration service error', { code: 'SYSTEM_1701', details: {} });
        }
        deps.logger.info({ userId }, 'user registered');
        sendSuccess(res, 'User registered successfully', { user_id: userId });
      },
    }),
  ];
};
