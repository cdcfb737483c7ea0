import { registerRedisUp, type Gauge, type RedisClient, type Registry } from '@aurawell/platform';
import type { ConnectedGenerations } from './connect';

/**
 * `aurawell_redis_up{client}` for each of the api's Redis connections (`command`, and the
 * generations' `subscriber` and `queue`), as the gateway and the worker report theirs, so the
 * Redis-down alert covers the api too.
 */
export const registerApiRedisUp = (
  registry: Registry,
  command: Pick<RedisClient, 'status'>,
  generations: Pick<ConnectedGenerations, 'redisClients'>,
): Gauge<'client'> => registerRedisUp(registry, { command, ...generations.redisClients });
