import type { Redis } from 'ioredis';
import { Gauge, Histogram, type Registry } from 'prom-client';
import type { GenerationStore } from './generations';

/** Redis round trips are sub-millisecond when healthy: finer buckets at the low end. */
export const redisBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** The generation store's calls, each one Redis round trip (a Lua script or one command). */
const TIMED = { start: 'gen_start', claim: 'gen_claim', append: 'gen_append', framesAfter: 'gen_frames_after' } as const;

/** The fixed `command` label values of `aurawell_redis_command_seconds`. */
export const redisCommandLabels = Object.values(TIMED);

const existing = <T>(registry: Registry, name: string): T | undefined => registry.getSingleMetric(name) as T | undefined;

export const createRedisCommandHistogram = (registry: Registry): Histogram<'command'> =>
  existing<Histogram<'command'>>(registry, 'aurawell_redis_command_seconds') ??
  new Histogram({
    name: 'aurawell_redis_command_seconds',
    help: 'Latency of the generation store Redis calls (Lua scripts and reads), by command',
    labelNames: ['command'] as const,
    buckets: redisBuckets,
    registers: [registry],
  });

/**
 * The same store, its Redis calls timed into `aurawell_redis_command_seconds` (failures included:
 * a call that hangs until Redis answers is exactly the latency to see).
 */
export const timedGenerationStore = (store: GenerationStore, histogram: Histogram<'command'>): GenerationStore => {
  const timed = <A extends unknown[], R>(command: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const end = histogram.startTimer({ command });
      try {
        return await fn(...args);
      } finally {
        end();
      }
    };
  return {
    ...store,
    start: timed(TIMED.start, store.start),
    claim: timed(TIMED.claim, store.claim),
    claimTurn: timed(TIMED.claim, store.claimTurn),
    append: timed(TIMED.append, store.append),
    framesAfter: timed(TIMED.framesAfter, store.framesAfter),
  };
};

/**
 * `aurawell_redis_up{client}`: 1 while the ioredis client is connected and ready, read on every
 * scrape. `client` is one of the names passed here (a fixed set per service).
 */
export const registerRedisUp = (registry: Registry, clients: Record<string, Pick<Redis, 'status'>>): Gauge<'client'> =>
  new Gauge({
    name: 'aurawell_redis_up',
    help: 'Whether the Redis client is connected and ready (1) or not (0), by client role',
    labelNames: ['client'] as const,
    registers: [registry],
    collect() {
      for (const [client, redis] of Object.entries(clients)) this.set({ client }, redis.status === 'ready' ? 1 : 0);
    },
  });
