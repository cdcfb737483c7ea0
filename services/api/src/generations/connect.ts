import { createChatQueue, promoteChatJob, createRedis, type Keys, type Logger, type RedisClient, type RedisTarget } from '@aurawell/platform';
import { createGenerationStore, publishUserEvent, UserFanout, type GenerationLimits } from '@aurawell/generation';
import type { Queryable } from '@aurawell/db';
import { createGenerationClient, type GenerationClient } from './client';

export type GenerationSettings = GenerationLimits & { retentionMs: number; maxFrames: number };

export type ConnectedGenerations = {
  generations: GenerationClient;
  /** The connections opened here, by role, for `aurawell_redis_up`. */
  redisClients: { subscriber: RedisClient; queue: RedisClient };
  close(): Promise<void>;
};

/**
 * What the api needs to start and follow generations: a subscriber connection for the users'
 * channels and a queue connection, besides the command connection it already has.
 */
export const connectGenerations = (
  c: { redisAt: { main: RedisTarget | string; queue: RedisTarget | string }; redis: RedisClient; db: Queryable; keys: Keys; logger: Logger },
  settings: GenerationSettings,
): ConnectedGenerations => {
  const { redisAt, redis, keys, logger } = c;
  const subscriber = createRedis(redisAt.main, { name: 'api-sub', role: 'subscriber', logger });
  const queueConnection = createRedis(redisAt.queue, { name: 'api-queue', role: 'command', logger });
  const queue = createChatQueue(queueConnection, keys);
  const store = createGenerationStore(redis, keys, { maxFrames: settings.maxFrames, retentionMs: settings.retentionMs, nextTurn: (_user, id) => promoteChatJob(queue, id) });
  const fanout = new UserFanout(subscriber, keys, logger);
  const generations = createGenerationClient({
    store,
    queue,
    fanout,
    db: c.db,
    logger,
    limits: settings,
    publishEvent: (userId, frame) => publishUserEvent(redis, keys, userId, frame),
  });
  return {
    generations,
    redisClients: { subscriber, queue: queueConnection },
    close: async () => {
      await queue.close();
      await Promise.all([subscriber.quit(), queueConnection.quit()]);
    },
  };
};

export const generationSettingsOf = (config: {
  MAX_GENERATIONS_PER_USER: number;
  GENERATION_DEADLINE_MS: number;
  GENERATION_RETENTION_MS: number;
  GENERATION_MAX_FRAMES: number;
}): GenerationSettings => ({
  maxGenerationsPerUser: config.MAX_GENERATIONS_PER_USER,
  generationDeadlineMs: config.GENERATION_DEADLINE_MS,
  retentionMs: config.GENERATION_RETENTION_MS,
  maxFrames: config.GENERATION_MAX_FRAMES,
});
