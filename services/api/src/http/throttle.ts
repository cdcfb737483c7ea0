import { createHash } from 'node:crypto';
import { normaliseUsername } from '@aurawell/db';
import { Counter, type Keys, type Logger, type RedisClient, type Registry } from '@aurawell/platform';
import type { Response } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { HttpError } from './errors';

/** Whom a limit counts: one account (a username or user id) or one client IP. */
export type ThrottleScope = 'account' | 'ip';

export type ThrottleDeps = { redis: RedisClient; keys: Keys; registry: Registry; logger: Logger };

/** `points` tries per `seconds`; the try past them is refused, then every try for `blockSeconds` (default: the rest of the window). */
export type Limit = { points: number; seconds: number; blockSeconds?: number };

/** One limit of one route, shared by every api replica: a counter per subject in Redis. */
export type Limiter = { route: string; scope: ThrottleScope; store: RateLimiterRedis; metric: Counter<'route' | 'scope'>; logger: Logger };

/** A limiter and the subject it counts for this request. */
export type Check = [Limiter, string];

const THROTTLED_METRIC = 'aurawell_auth_throttled_total';

/** Requests refused by a throttle, by route pattern and scope; one counter per registry (several apps may share one). */
const throttledCounter = (registry: Registry): Counter<'route' | 'scope'> =>
  (registry.getSingleMetric(THROTTLED_METRIC) as Counter<'route' | 'scope'> | undefined) ??
  new Counter({
    name: THROTTLED_METRIC,
    help: 'Login, registration and WebSocket ticket requests refused (429) by a throttle, by route pattern and scope (account or ip)',
    labelNames: ['route', 'scope'] as const,
    registers: [registry],
  });

/**
 * A limiter of `route` under the key prefix `keys.throttle(name)`.
 *
 * When Redis is unreachable (`rejectIfRedisNotReady`: no request waits for it), each replica
 * counts in its own memory instead (`insuranceLimiter`, same limits). Failing open would give
 * anyone able to disturb Redis unlimited password guesses; failing closed would lock every user
 * out. The memory counters start empty, so nobody is locked out by the outage, and the limits
 * still hold per replica (a fleet of n replicas then allows at most n times as many tries).
 */
export const createLimiter = (deps: ThrottleDeps, route: string, name: string, scope: ThrottleScope, limit: Limit): Limiter => {
  const opts = { keyPrefix: deps.keys.throttle(name), points: limit.points, duration: limit.seconds, blockDuration: limit.blockSeconds ?? 0 };
  const store = new RateLimiterRedis({ ...opts, storeClient: deps.redis, rejectIfRedisNotReady: true, insuranceLimiter: new RateLimiterMemory(opts) });
  return { route, scope, store, metric: throttledCounter(deps.registry), logger: deps.logger };
};

/**
 * The subject of an account limit: the username as logins match it (case folded), hashed, so
 * that what people type as a username (sometimes their password) never lands in a Redis key.
 */
export const accountSubject = (username: string): string => createHash('sha256').update(normaliseUsername(username)).digest('base64url');

/** Counts one try; the whole seconds to wait when this try is over the limit, else 0. */
const consume = async ([limiter, subject]: Check): Promise<number> => {
  try {
    await limiter.store.consume(subject);
    return 0;
  } catch (err) {
    if (err instanceof RateLimiterRes) return Math.max(1, Math.ceil(err.msBeforeNext / 1000));
    // Neither Redis nor the in-memory insurance could count: let the try through rather than fail the request.
    limiter.logger.error({ err, route: limiter.route, scope: limiter.scope }, 'throttle could not count; request let through');
    return 0;
  }
};

/**
 * Counts this request against every check (all of them, at once); when one is over its limit,
 * the first such in `checks` refuses it: 429 with `Retry-After` (seconds) and the usual error
 * envelope (`EXTERNAL_1502`), counted in `aurawell_auth_throttled_total{route,scope}`.
 */
export const throttle = async (res: Response, checks: Check[]): Promise<void> => {
  const waits = await Promise.all(checks.map(consume));
  const refused = waits.findIndex((seconds) => seconds > 0);
  if (refused < 0) return;
  const [limiter] = checks[refused] as Check;
  const retryAfter = waits[refused] as number;
  limiter.metric.inc({ route: limiter.route, scope: limiter.scope });
  limiter.logger.warn({ route: limiter.route, scope: limiter.scope, retryAfter }, 'request throttled');
  res.set('Retry-After', String(retryAfter));
  throw new HttpError(429, 'Too many attempts; try again later', {
    code: 'EXTERNAL_1502',
    details: { path: limiter.route, retry_after: retryAfter },
  });
};

const eachCheck = async (checks: Check[], failure: string, op: (store: RateLimiterRedis, subject: string) => Promise<unknown>): Promise<void> => {
  await Promise.all(
    checks.map(([limiter, subject]) =>
      op(limiter.store, subject).catch((err: unknown) => {
        limiter.logger.warn({ err, route: limiter.route, scope: limiter.scope }, failure);
      }),
    ),
  );
};

/** Forgets what these checks counted (a successful login clears its failures); best effort. */
export const forget = (checks: Check[]): Promise<void> => eachCheck(checks, 'throttle counter not cleared', (store, subject) => store.delete(subject));

/** Gives back the try this request counted (the server failed, not the client); best effort. */
export const refund = (checks: Check[]): Promise<void> => eachCheck(checks, 'throttle try not refunded', (store, subject) => store.reward(subject));
