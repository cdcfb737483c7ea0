import { ACCESS_TOKEN_TTL_SECONDS, type Logger, type TokenService } from '@aurawell/platform';
import { checkCredentials, type Queryable } from '@aurawell/db';
import type { Response } from 'express';
import { z } from 'zod';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { endpoint, type Endpoint } from '../http/endpoint';
import { envelopeOf } from '../http/schemas';

/** Route 1 request body. */
export const LoginRequest = z.object({
  username: z.string().min(3).max(50),
  password: z.string().min(6).max(128),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

/** Route 1 `data`. */
export const LoginData = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int(),
});
export type LoginData = z.infer<typeof LoginData>;

type AuthDeps = { pool: Queryable; tokens: TokenService; logger: Logger };

const invalidCredentials = () => new HttpError(401, 'Invalid username or password', { code: 'AUTH_1001', details: {} });
const serviceError = () => new HttpError(500, 'Authentication service error', { code: 'SYSTEM_1701', details: {} });

const login =
  ({ pool, tokens, logger }: AuthDeps) =>
  async ({ res, body: { username, password } }: { res: Response; body: LoginRequest }) => {
    let userId: string | null;
    try {
      userId = await checkCredentials(pool, username, password);
    } catch (err) {
      logger.error({ err }, 'credential check failed');
      throw serviceError();
    }
    if (!userId) {
      logger.info({ username }, 'login rejected');
      throw invalidCredentials();
    }
    const data: LoginData = { access_token: await tokens.issue(userId), token_type: 'bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS };
    logger.info({ userId }, 'login ok');
    sendSuccess(res, 'Login successful', data);
  };

/** Route 1: `POST /api/v1/auth/login` (public). */
export const authRoutes = (deps: AuthDeps): Endpoint[] => [
  endpoint(null, {
    method: 'post',
    path: '/api/v1/auth/login',
    summary: 'Log in with username and password; returns a 60-minute JWT',
    tag: 'auth',
    auth: false,
    body: LoginRequest,
    response: envelopeOf(LoginData),
    errors: [401, 500],
    handle: login(deps),
  }),
];
