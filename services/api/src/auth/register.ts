import { randomUUID } from 'node:crypto';
import { PASSWORD_MAX_BYTES, passwordFitsBcrypt, type Pool } from '@aurawell/db';
import { z } from 'zod';
import { envelopeOf } from '@aurawell/protocol';
import type { Request, Response } from 'express';
import type { ApiConfig } from '../config';
import { clientSubject } from '../http/client-ip';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { createLimiter, throttle, type ThrottleDeps } from '../http/throttle';
import { AccountTakenError, createAccount } from './store';

/** Contract §2.0 email vocabulary. */
export const EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

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

export type RegisterDeps = ThrottleDeps & { pool: Pool; config: Pick<ApiConfig, 'REGISTER_IP_MAX_PER_HOUR'> };

/** A taken username or email is a 422 as the contract says. */
const duplicate = (field: 'username' | 'email', body: RegisterRequest) => {
  const [message, value] = field === 'username' ? ['Username already exists', body.username.toLowerCase()] : ['Email already registered', body.email];
  return new HttpError(422, message, {
    code: 'VALIDATION_1101',
    details: { error_code: 'VALIDATION_1101', message: 'Invalid input data provided', field, value },
  });
};

const REGISTER_PATH = '/api/v1/auth/register';

const register = (deps: RegisterDeps) => {
  const perIp = createLimiter(deps, REGISTER_PATH, 'register:ip', 'ip', { points: deps.config.REGISTER_IP_MAX_PER_HOUR, seconds: 3600 });
  return async ({ req, res, body }: { req: Request; res: Response; body: RegisterRequest }) => {
    await throttle(res, [[perIp, clientSubject(req)]]);
    const userId = randomUUID();
    try {
      await createAccount(deps.pool, { userId, username: body.username.toLowerCase(), email: body.email, password: body.password, health: body.health_data ?? {} });
    } catch (err) {
      if (err instanceof AccountTakenError) throw duplicate(err.field, body);
      // Two registrations racing for the same name: the unique index decides.
      if ((err as { code?: string }).code === '23505') throw duplicate('username', body);
      deps.logger.error({ err }, 'registration failed');
      throw new HttpError(500, 'Registration service error', { code: 'SYSTEM_1701', details: {} });
    }
    deps.logger.info({ userId }, 'user registered');
    sendSuccess(res, 'User registered successfully', { user_id: userId });
  };
};

/**
 * Route 2: `POST /api/v1/auth/register` (public); registered users can then log in. Every
 * registration that passes validation counts against its client IP (a taken name too: the
 * answer tells which usernames exist).
 */
export const registerRoutes = (deps: RegisterDeps): Endpoint[] => [
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
    handle: register(deps),
  }),
];
