import { ACCESS_TOKEN_TTL_SECONDS, type Logger, type TokenService } from '@aurawell/platform';
import { checkCredentials, type Queryable } from '@aurawell/db';
import { LoginRequest, LoginResponse, type LoginData } from '@aurawell/protocol';
import type { Request, Response } from 'express';
import type { ApiConfig } from '../config';
import { clientSubject } from '../http/client-ip';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { endpoint, type Endpoint } from '../http/endpoint';
import { accountSubject, createLimiter, forget, refund, throttle, type Check, type ThrottleDeps } from '../http/throttle';

export type LoginDeps = ThrottleDeps & {
  pool: Queryable;
  tokens: TokenService;
  logger: Logger;
  config: Pick<ApiConfig, 'LOGIN_WINDOW_SECONDS' | 'LOGIN_BLOCK_SECONDS' | 'LOGIN_IP_MAX_ATTEMPTS' | 'LOGIN_IP_MAX_FAILURES' | 'LOGIN_ACCOUNT_MAX_FAILURES'>;
};

const LOGIN_PATH = '/api/v1/auth/login';

const invalidCredentials = () => new HttpError(401, 'Invalid username or password', { code: 'AUTH_1001', details: {} });
const serviceError = () => new HttpError(500, 'Authentication service error', { code: 'SYSTEM_1701', details: {} });

/**
 * The login's limits. Every try is counted before the password is checked (so parallel tries
 * cannot slip past a limit) and a success clears the failure counters: what they count is the
 * tries since the last success. A username is counted whether or not it exists, or the lockout
 * would tell which usernames exist.
 */
const loginChecks = (deps: LoginDeps) => {
  const c = deps.config;
  const failures = (points: number) => ({ points, seconds: c.LOGIN_WINDOW_SECONDS, blockSeconds: c.LOGIN_BLOCK_SECONDS });
  const ipAttempts = createLimiter(deps, LOGIN_PATH, 'login:ip', 'ip', { points: c.LOGIN_IP_MAX_ATTEMPTS, seconds: c.LOGIN_WINDOW_SECONDS });
  const ipFailures = createLimiter(deps, LOGIN_PATH, 'login:ip-failures', 'ip', failures(c.LOGIN_IP_MAX_FAILURES));
  const account = createLimiter(deps, LOGIN_PATH, 'login:account', 'account', failures(c.LOGIN_ACCOUNT_MAX_FAILURES));
  return (req: Request, username: string): { all: Check[]; failures: Check[] } => {
    const ip = clientSubject(req);
    const failureChecks: Check[] = [[ipFailures, ip], [account, accountSubject(username)]];
    return { all: [[ipAttempts, ip], ...failureChecks], failures: failureChecks };
  };
};

const login = (deps: LoginDeps) => {
  const { pool, tokens, logger } = deps;
  const checksOf = loginChecks(deps);
  return async ({ req, res, body: { username, password } }: { req: Request; res: Response; body: LoginRequest }) => {
    const checks = checksOf(req, username);
    await throttle(res, checks.all);
    let userId: string | null;
    try {
      userId = await checkCredentials(pool, username, password);
    } catch (err) {
      logger.error({ err }, 'credential check failed');
      await refund(checks.failures);
      throw serviceError();
    }
    if (!userId) {
      logger.info({ username }, 'login rejected');
      throw invalidCredentials();
    }
    await forget(checks.failures);
    const data: LoginData = { access_token: await tokens.issue(userId), token_type: 'bearer', expires_in: ACCESS_TOKEN_TTL_SECONDS };
    logger.info({ userId }, 'login ok');
    sendSuccess(res, 'Login successful', data);
  };
};

/** Route 1: `POST /api/v1/auth/login` (public). */
export const loginRoutes = (deps: LoginDeps): Endpoint[] => [
  endpoint(null, {
    method: 'post',
    path: LOGIN_PATH,
    summary: 'Log in with username and password; returns a 60-minute JWT',
    description: 'Throttled per username and per client IP: 429 with `Retry-After` (seconds) once over a limit, even with the right password.',
    tag: 'auth',
    auth: false,
    body: LoginRequest,
    response: LoginResponse,
    errors: [401, 429, 500],
    handle: login(deps),
  }),
];
