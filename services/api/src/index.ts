import { createPool } from '@aurawell/db';
import { migrateUp } from '@aurawell/db/migrate';
import { createKeys, createLogger, createMetricsRegistry, createRedis, redisTargetsOf, createShutdown, exitOnSignals, runService, startOpsServer, waitForRedis } from '@aurawell/platform';
import { composeApi } from './compose';
import { loadApiConfig, type ApiConfig } from './config';
import { closeServer, listen } from './http/server';

const main = async (config: ApiConfig): Promise<void> => {
  const logger = createLogger('api', config.LOG_LEVEL);
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
  const registry = createMetricsRegistry('api');
  const redisAt = redisTargetsOf(config);
  const redis = createRedis(redisAt.main, { name: 'api', role: 'command', logger });
  // As the gateway: an api that cannot reach Redis (down, or refusing its credentials) fails to
  // start instead of reporting ready and leaving logins and tickets hanging.
  await waitForRedis(redis);
  const pool = createPool(config.DATABASE_URL, logger);
  if (config.MIGRATE_ON_START) await migrateUp(config.DATABASE_URL, logger);

  const api = composeApi(config, { logger, registry, pool, redis, keys: createKeys(config.REDIS_KEY_PREFIX, { taggedQueues: redisAt.queue.kind === 'cluster' }) });
  const { server, port } = await listen(api.app, config.PORT, config.HOST);
  logger.info({ port, host: config.HOST, devToken: config.DEV_TOKEN_ENABLED }, 'api listening');

  const shutdown = createShutdown(logger, config.SHUTDOWN_DEADLINE_MS);
  const ops = await startOpsServer({ port: config.OPS_PORT, host: config.OPS_HOST, registry, logger, isReady: () => !shutdown.started });
  shutdown.add('http server', () => closeServer(server, Math.floor(config.SHUTDOWN_DEADLINE_MS * 0.8)));
  for (const { name, close } of api.closers) shutdown.add(name, close);
  shutdown.add('redis', () => redis.quit());
  shutdown.add('postgres', () => pool.end());
  shutdown.add('ops server', () => ops.close());
  exitOnSignals(shutdown, logger);
};

runService('api', () => loadApiConfig(process.env), main);
