// Test fixtures shared by the api's test files: a real database and Redis per file, no mocks.
import { createPool, type Pool } from '@aurawell/db';
import {
  createKeys,
  createLogger,
  createMetricsRegistry,
  createRedis,
  type Keys,
  type Logger,
  type RedisClient,
  type Registry,
  type TicketStore,
  type TokenService,
} from '@aurawell/platform';
import { createTestDatabase, deleteKeysWithPrefix, testPrefix, testRedisUrl, type TestDatabase } from '@aurawell/testkit';
import type { Express } from 'express';
import type { AppDeps } from './app';
import { composeApi } from './compose';
import { loadApiConfig, type ApiConfig } from './config';
import { seedDemoData } from './seed/seed';

export const TEST_JWT_SECRET = 'api-test-secret-0123456789abcdef';

export type TestEnv = {
  db: TestDatabase;
  pool: Pool;
  redis: RedisClient;
  keys: Keys;
  prefix: string;
  logger: Logger;
  /** Closes what the apps built on this env opened (generation subscribers and queues). */
  closers: (() => Promise<void>)[];
};

/** A fresh migrated (and, unless told otherwise, seeded) database and a Redis prefix of its own. */
export const openTestEnv = async (opts: { seed?: boolean } = {}): Promise<TestEnv> => {
  const logger = createLogger('api-test', 'silent');
  const db = await createTestDatabase();
  const pool = createPool(db.url, logger, 4);
  if (opts.seed !== false) await seedDemoData(pool);
  const prefix = testPrefix();
  const redis = createRedis(testRedisUrl(), { name: 'api-test', role: 'command', logger });
  return { db, pool, redis, keys: createKeys(prefix), prefix, logger, closers: [] };
};

export const closeTestEnv = async (env: TestEnv | undefined): Promise<void> => {
  if (!env) return;
  await Promise.all(env.closers.map((close) => close()));
  await env.redis.quit();
  await env.pool.end();
  await env.db.drop();
  await deleteKeysWithPrefix(env.prefix);
};

export type TestApp = { app: Express; config: ApiConfig; tokens: TokenService; tickets: TicketStore; registry: Registry; deps: AppDeps };

/**
 * The api over the test database and Redis, composed exactly as `index.ts` composes it
 * (`composeApi`); `env` overrides variables (e.g. DEV_TOKEN_ENABLED), `over` the pool or Redis
 * client (a broken one, for fault tests). What it opens is closed by `closeTestEnv`.
 */
export const buildTestApp = (t: TestEnv, env: Record<string, string> = {}, over: { pool?: Pool; redis?: RedisClient } = {}): TestApp => {
  const config = loadApiConfig({
    DATABASE_URL: t.db.url,
    REDIS_URL: testRedisUrl(),
    JWT_SECRET_KEY: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const registry = createMetricsRegistry('api');
  const api = composeApi(config, { logger: t.logger, registry, pool: over.pool ?? t.pool, redis: over.redis ?? t.redis, keys: t.keys });
  t.closers.push(...api.closers.map((c) => c.close));
  const { tokens, tickets } = api.deps;
  return { app: api.app, config, tokens, tickets, registry, deps: api.deps };
};

/** A stand-in for what a beforeAll will make: every field reads through to it once it exists. */
const lateBound = <T extends object>(current: () => T | undefined, what: string): T =>
  new Proxy({} as T, {
    get: (_target, key) => {
      const value = current();
      if (value === undefined) throw new Error(`${what} is used before its beforeAll ran`);
      return Reflect.get(value, key) as unknown;
    },
  });

/**
 * This test file's database and Redis prefix (`openTestEnv`), opened before its tests and closed
 * after them, with whatever its apps opened (`closeTestEnv`).
 */
export const useTestEnv = (opts: { seed?: boolean } = {}): TestEnv => {
  let env: TestEnv | undefined;
  beforeAll(async () => {
    env = await openTestEnv(opts);
  });
  afterAll(() => closeTestEnv(env));
  return lateBound(() => env, 'the test env');
};

/** The api over `env` (`buildTestApp`), built before this file's tests, once `env` is open. */
export const useTestApp = (env: TestEnv, vars: Record<string, string> = {}): TestApp => {
  let api: TestApp | undefined;
  beforeAll(() => {
    api = buildTestApp(env, vars);
  });
  return lateBound(() => api, 'the test app');
};

/** The claims of a JWT, read without verifying (as jose's `decodeJwt` does). */
export const decodeJwtClaims = (token: string): Record<string, unknown> => {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
};

/** An ISO 8601 date-time in UTC with milliseconds, as every body's timestamps are. */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
