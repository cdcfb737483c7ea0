import { createPool } from '@aurawell/db';
import { migrateUp } from '@aurawell/db/migrate';
import {
  createKeys,
  createLogger,
  createMetricsRegistry,
  createRedis,
  createShutdown,
  createTicketStore,
  createTokenService,
  exitOnSignals,
  runService,
  startOpsServer,
} from '@aurawell/platform';
import { createReminderQueue } from '@aurawell/reminders';
import { createApp } from './app';
import { connectGenerations, generationSettingsOf } from './chat/wiring';
import { loadApiConfig, type ApiConfig } from './config';
import { closeServer, listen } from './http/server';
import { registerApiRedisUp } from './redis-up';

const main = async (config: ApiConfig): Promise<void> => {
  const logger = createLogger('api', config.LOG_LEVEL);
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  const registry = createMetricsRegistry('api');
  const redis = createRedis(config.REDIS_URL, { name: 'api', role: 'command', logger });
  const pool = createPool(config.DATABASE_URL, logger);
  if (config.MIGRATE_ON_START) await migrateUp(config.DATABASE_URL, logger);

  const keys = createKeys(config.REDIS_KEY_PREFIX);
  const tokens = createTokenService(config.JWT_SECRET_KEY, { allowDevToken: config.DEV_TOKEN_ENABLED });
  const tickets = createTicketStore(redis, keys);
  const generations = connectGenerations({ redisUrl: config.REDIS_URL, redis, db: pool, keys, logger }, generationSettingsOf(config));
  registerApiRedisUp(registry, redis, generations);
  const reminders = createReminderQueue(redis, keys);
  const app = createApp({ config, logger, registry, pool, redis, keys, tokens, tickets, generations: generations.generations, reminders });
  const { server, port } = await listen(app, config.PORT, config.HOST);
  logger.info({ port, host: config.HOST, devToken: config.DEV_TOKEN_ENABLED }, 'api listening');

  const shutdown = createShutdown(logger, config.SHUTDOWN_DEADLINE_MS);
  const ops = await startOpsServer({ port: config.OPS_PORT, host: config.OPS_HOST, registry, logger, isReady: () => !shutdown.started });
  shutdown.add('http server', () => closeServer(server, Math.floor(config.SHUTDOWN_DEADLINE_MS * 0.8)));
  shutdown.add('generations', () => generations.close());
  shutdown.add('reminder queue', () => reminders.close());
  shutdown.add('redis', () => redis.quit());
  shutdown.add('postgres', () => pool.end());
  shutdown.add('ops server', () => ops.close());
  exitOnSignals(shutdown, logger);
};

runService('api', () => loadApiConfig(process.env), main);
