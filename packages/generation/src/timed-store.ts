import { Histogram, type Registry } from 'prom-client';
import { redisBuckets } from '@aurawell/platform';
import type { GenerationStore } from './store';

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

