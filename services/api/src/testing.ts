// Test fixtures shared by the api's test files: a real database and Redis per file, no mocks.
import { createPool, type Pool } from '@aurawell/db';
import {
  createKeys,
  createLogger,
  createMetricsRegistry,
  createRedis,
  createTicketStore,
  createTokenService,
  type Keys,
  type Logger,
  type Redis,
  type Registry,
  type TicketStore,
  type TokenService,
} from '@aurawell/platform';
import { createReminderQueue } from '@aurawell/reminders';
import { createTestDatabase, deleteKeysWithPrefix, testPrefix, testRedisUrl, type TestDatabase } from '@aurawell/testkit';
import type { Express } from 'express';
import { createApp, type AppDeps } from './app';
import { loadApiConfig, type ApiConfig } from './config';
import { seedDemoData } from './seed';
import { connectGenerations, generationSettingsOf } from './chat/wiring';

export const TEST_JWT_SECRET = 'api-test-secret-0123456789abcdef';

export type TestEnv = {
  db: TestDatabase;
  pool: Pool;
  redis: Redis;
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

/** The api over the test database and Redis; `env` overrides variables (e.g. DEV_TOKEN_ENABLED). */
export const buildTestApp = (t: TestEnv, env: Record<string, string> = {}, over: { pool?: Pool; redis?: Redis } = {}): TestApp => {
  const config = loadApiConfig({
    DATABASE_URL: t.db.url,
    REDIS_URL: testRedisUrl(),
    JWT_SECRET_KEY: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    ...env,
  });
  const pool = over.pool ?? t.pool;
  const redis = over.redis ?? t.redis;
  const tokens = createTokenService(config.JWT_SECRET_KEY, { allowDevToken: config.DEV_TOKEN_ENABLED });
  const tickets = createTicketStore(redis, t.keys);
  const registry = createMetricsRegistry('api');
  const generations = connectGenerations({ redisUrl: testRedisUrl(), redis, db: pool, keys: t.keys, logger: t.logger }, generationSettingsOf(config));
  t.closers.push(generations.close);
  const reminders = createReminderQueue(redis, t.keys);
  t.closers.push(() => reminders.close());
  const deps: AppDeps = { config, logger: t.logger, registry, pool, redis, keys: t.keys, tokens, tickets, generations: generations.generations, reminders };
  return { app: createApp(deps), config, tokens, tickets, registry, deps };
};

/** The claims of a JWT, read without verifying (as jose's `decodeJwt` does). */
export const decodeJwtClaims = (token: string): Record<string, unknown> => {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
};

export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
