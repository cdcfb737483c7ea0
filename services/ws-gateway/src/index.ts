import { randomUUID } from 'node:crypto';
import {
  createChatQueue,
  createKeys,
  createLogger,
  createMetricsRegistry,
  createRedis,
  redisTargetsOf,
  registerRedisUp,
  createShutdown,
  exitOnSignals,
  runService,
  startOpsServer,
  waitForRedis,
} from '@aurawell/platform';
import { UserFanout } from '@aurawell/generation';
import { createPool } from '@aurawell/db';
import { migrateUp } from '@aurawell/db/migrate';
import type { ClientConnection } from './connection';
import { loadGatewayConfig, type GatewayConfig } from './config';
import { startMaintenance } from './maintenance';
import { createGatewayMetrics, GenerationTimings } from './metrics';
import { createConnectionRegistry } from './registry';
import { createGateway } from './server';
import { speechRecognitionFor } from './transcriber';
import { gatewayDeps } from './wiring';

const main = async (config: GatewayConfig): Promise<void> => {
  const gatewayId = randomUUID();
  const logger = createLogger('ws-gateway', config.LOG_LEVEL).child({ gatewayId });
  const registry = createMetricsRegistry('ws-gateway');
  const metrics = createGatewayMetrics(registry);
  const shutdown = createShutdown(logger, config.SHUTDOWN_DEADLINE_MS);
  exitOnSignals(shutdown, logger);
  const redisAt = redisTargetsOf(config);
  const keys = createKeys(config.REDIS_KEY_PREFIX, { taggedQueues: redisAt.queue.kind === 'cluster' });
  // Named after the liveness key: Redis drops the name the moment this process dies (see registry).
  const redis = createRedis(redisAt.main, { name: 'gateway', role: 'command', logger, clientName: keys.gateway(gatewayId) });
  const subscriber = createRedis(redisAt.main, { name: 'gateway-sub', role: 'subscriber', logger });
  const queueConnection = createRedis(redisAt.queue, { name: 'gateway-queue', role: 'command', logger });
  await Promise.all([waitForRedis(redis), waitForRedis(subscriber)]);
  const pool = createPool(config.DATABASE_URL, logger);
  if (config.MIGRATE_ON_START) await migrateUp(config.DATABASE_URL, logger);

  registerRedisUp(registry, { command: redis, subscriber, queue: queueConnection });
  const timings = new GenerationTimings(metrics, { maxTracked: 10000, maxAgeMs: config.GENERATION_DEADLINE_MS });
  const fanout = new UserFanout<ClientConnection>(subscriber, keys, logger, (frame) => {
    metrics.framesOut.inc();
    timings.observe(frame);
  });
  const connections = createConnectionRegistry(redis, keys, { gatewayId, ttlMs: config.REGISTRY_TTL_MS, gatewayTtlMs: config.GATEWAY_TTL_MS });
  await connections.heartbeat();
  const queue = createChatQueue(queueConnection, keys);
  const asr = await speechRecognitionFor(config, logger);
  const gateway = createGateway(gatewayDeps({ config, gatewayId, logger, registry, metrics, timings, keys, redis, queue, pool, fanout, connections, transcriber: asr.transcriber }));
  const maintenance = startMaintenance(fanout, connections, {
    heartbeatIntervalMs: config.HEARTBEAT_INTERVAL_MS,
    heartbeatTimeoutMs: config.HEARTBEAT_TIMEOUT_MS,
    idleTimeoutMs: config.IDLE_TIMEOUT_MS,
    registryTtlMs: config.REGISTRY_TTL_MS,
    gatewayTtlMs: config.GATEWAY_TTL_MS,
  }, logger);

  let ready = false;
  const ops = await startOpsServer({ port: config.OPS_PORT, host: config.OPS_HOST, registry, isReady: () => ready, logger });
  await new Promise<void>((resolve) => gateway.server.listen(config.PORT, config.HOST, resolve));
  ready = true;
  logger.info({ port: config.PORT }, 'ws-gateway listening');

  shutdown.add('not ready', () => void (ready = false));
  shutdown.add('drain connections', () => gateway.drain());
  shutdown.add('maintenance', () => maintenance.stop());
  shutdown.add('retire', () => connections.retire());
  shutdown.add('queue', () => queue.close());
  shutdown.add('speech recognition', () => asr.close());
  shutdown.add('ops server', () => ops.close());
  shutdown.add('postgres', () => pool.end());
  shutdown.add('redis', () => Promise.all([redis.quit(), subscriber.quit(), queueConnection.quit()]));
};

runService('ws-gateway', () => loadGatewayConfig(), main);
