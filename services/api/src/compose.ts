import type { Pool } from '@aurawell/db';
import { createTicketStore, createTokenService, redisTargetsOf, type Keys, type Logger, type RedisClient, type Registry } from '@aurawell/platform';
import { createReminderQueue } from '@aurawell/reminders';
import type { Express } from 'express';
import { createApp, type AppDeps } from './app';
import type { ApiConfig } from './config';
import { connectGenerations, generationSettingsOf } from './generations/connect';
import { registerApiRedisUp } from './generations/redis-up';

/** What the process (or a test) opens before the api: logging, metrics, PostgreSQL, Redis and its key prefix. */
export type ApiInfra = { logger: Logger; registry: Registry; pool: Pool; redis: RedisClient; keys: Keys };

export type ComposedApi = {
  app: Express;
  deps: AppDeps;
  /** What composeApi opened, to be closed in this order after the HTTP server stops taking requests. */
  closers: { name: string; close: () => Promise<void> }[];
};

/**
 * The api, composed once for the process and for the tests alike: tokens, tickets, the generation
 * client (its own subscriber and queue connections, reported in `aurawell_redis_up`), the
 * reminder queue, and the Express app over them.
 */
export const composeApi = (config: ApiConfig, infra: ApiInfra): ComposedApi => {
  const { logger, registry, pool, redis, keys } = infra;
  const tokens = createTokenService(config.JWT_SECRET_KEY, { allowDevToken: config.DEV_TOKEN_ENABLED });
  const tickets = createTicketStore(redis, keys);
  const generations = connectGenerations({ redisAt: redisTargetsOf(config), redis, db: pool, keys, logger }, generationSettingsOf(config));
  registerApiRedisUp(registry, redis, generations);
  // The queues share the generation client's queue connection (REDIS_QUEUE_URL when set).
  const reminders = createReminderQueue(generations.redisClients.queue, keys);
  const deps: AppDeps = { config, logger, registry, pool, redis, keys, tokens, tickets, generations: generations.generations, reminders };
  return {
    app: createApp(deps),
    deps,
    closers: [
      { name: 'generations', close: () => generations.close() },
      { name: 'reminder queue', close: () => reminders.close() },
    ],
  };
};
