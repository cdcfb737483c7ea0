import type { RedisClient } from './redis';
import { Gauge, type Registry } from 'prom-client';

/** Redis round trips are sub-millisecond when healthy: finer buckets at the low end. */
export const redisBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * `aurawell_redis_up{client}`: 1 while the ioredis client is connected and ready, read on every
 * scrape. `client` is one of the names passed here (a fixed set per service).
 */
export const registerRedisUp = (registry: Registry, clients: Record<string, Pick<RedisClient, 'status'>>): Gauge<'client'> =>
  new Gauge({
    name: 'aurawell_redis_up',
    help: 'Whether the Redis client is connected and ready (1) or not (0), by client role',
    labelNames: ['client'] as const,
    registers: [registry],
    collect() {
      for (const [client, redis] of Object.entries(clients)) this.set({ client }, redis.status === 'ready' ? 1 : 0);
    },
  });
