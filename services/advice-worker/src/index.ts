import {
  createChatQueue,
  promoteChatJob,
  createKeys,
  createLogger,
  createMetricsRegistry,
  createRedis,
  redisTargetsOf,
  registerRedisUp,
  createShutdown,
  waitForRedis,
  exitOnSignals,
  runService,
  startOpsServer,
} from '@aurawell/platform';
import { createGenerationStore, createRedisCommandHistogram, startReaper, timedGenerationStore } from '@aurawell/generation';
import { createReminderQueue } from '@aurawell/reminders';
import { createPool } from '@aurawell/db';
import { migrateUp } from '@aurawell/db/migrate';
import { generationLimitsOf, loadWorkerConfig, type WorkerConfig } from './config';
import { createAdviceWorker } from './app';
import { createLlmStream } from './llm';
import { createWorkerMetrics, registerQueueCounts } from './metrics';
import { providerFor } from './provider';
import { createReminderConsumer } from './reminders';
import { speechEngineFor } from './speech';

const main = async (config: WorkerConfig): Promise<void> => {
  const logger = createLogger('advice-worker', config.LOG_LEVEL);
  const registry = createMetricsRegistry('advice-worker');
  const shutdown = createShutdown(logger, config.SHUTDOWN_DEADLINE_MS);
  exitOnSignals(shutdown, logger);
  const redisAt = redisTargetsOf(config);
  const keys = createKeys(config.REDIS_KEY_PREFIX, { taggedQueues: redisAt.queue.kind === 'cluster' });
  const redis = createRedis(redisAt.main, { name: 'worker', role: 'command', logger });
  const subscriber = createRedis(redisAt.main, { name: 'worker-sub', role: 'subscriber', logger });
  const queueConnection = createRedis(redisAt.queue, { name: 'worker-queue', role: 'command', logger });
  const blocking = createRedis(redisAt.queue, { name: 'worker-bullmq', role: 'blocking', logger });
  // As the gateway and the api: a Redis that is down or refuses the credentials fails the start.
  await Promise.all([waitForRedis(redis), waitForRedis(queueConnection)]);
  const pool = createPool(config.DATABASE_URL, logger);
  if (config.MIGRATE_ON_START) await migrateUp(config.DATABASE_URL, logger);
  const provider = await providerFor(config, logger);
  // Read on scrape for the queue gauges; promotes the next question of a conversation.
  const queue = createChatQueue(queueConnection, keys);
  const store = timedGenerationStore(
    createGenerationStore(redis, keys, { maxFrames: config.GENERATION_MAX_FRAMES, retentionMs: config.GENERATION_RETENTION_MS, nextTurn: (_user, id) => promoteChatJob(queue, id) }),
    createRedisCommandHistogram(registry),
  );
  registerQueueCounts(registry, queue);
  registerRedisUp(registry, { command: redis, blocking, subscriber, queue: queueConnection });
  const metrics = createWorkerMetrics(registry);
  const llm = createLlmStream({ ...provider, model: config.DEEPSEEK_MODEL, thinking: config.DEEPSEEK_THINKING, temperature: config.LLM_TEMPERATURE, maxTokens: config.LLM_MAX_TOKENS, maxRetries: config.LLM_MAX_RETRIES, attemptTimeoutMs: config.FIRST_TOKEN_DEADLINE_MS });
  const reminderQueue = createReminderQueue(queueConnection, keys);
  const reminders = createReminderConsumer(blocking, {
    db: pool,
    redis,
    keys,
    queue: reminderQueue,
    logger,
    text: { db: pool, llm, logger, timeoutMs: config.REMINDER_SMART_TIMEOUT_MS, onFallback: () => metrics.reminderSmartFallbacks.inc() },
    onOutcome: (outcome) => metrics.reminders.inc({ outcome }),
  }, config.REMINDER_CONCURRENCY);
  let ready = false;
  const ops = await startOpsServer({ port: config.PORT, host: config.OPS_HOST, registry, isReady: () => ready, logger });
  const advice = createAdviceWorker({
    store,
    db: pool,
    llm,
    logger,
    metrics,
    speech: await speechEngineFor(config, logger),
    limits: generationLimitsOf(config),
    lock: { durationMs: config.WORKER_LOCK_DURATION_MS, stalledIntervalMs: config.WORKER_STALLED_INTERVAL_MS },
    blocking,
    subscriber,
    keys,
    concurrency: config.WORKER_CONCURRENCY,
    turnPollMs: config.CONVERSATION_TURN_POLL_MS,
  });

  shutdown.add('not ready', () => void (ready = false));
  const reaper = startReaper(store, logger, { intervalMs: config.REAPER_INTERVAL_MS, graceMs: config.REAPER_GRACE_MS });
  shutdown.add('reaper', () => reaper.stop());
  shutdown.add('finish or hand over running generations', () => advice.stop(config.WORKER_DRAIN_MS));
  shutdown.add('reminders', () => Promise.all([reminders.stop(), reminderQueue.close()]));
  shutdown.add('ops server', () => ops.close());
  shutdown.add('queue metrics', () => queue.close());
  shutdown.add('simulator', () => provider.close());
  shutdown.add('postgres', () => pool.end());
  shutdown.add('redis', () => Promise.all([redis.quit(), blocking.quit(), subscriber.quit(), queueConnection.quit()]));

  await advice.start();
  reminders.start();
  ready = true;
  logger.info({ concurrency: config.WORKER_CONCURRENCY, model: config.DEEPSEEK_MODEL, provider: provider.baseURL }, 'advice worker consuming');
};

runService('advice-worker', () => loadWorkerConfig(), main);
