import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from './logger';

export { Redis } from 'ioredis';

export type RedisRole = 'command' | 'subscriber' | 'blocking';

/**
 * The one place that decides how services talk to Redis: reconnect forever with capped backoff,
 * fail commands quickly while disconnected (so a request gets an error instead of hanging),
 * except for BullMQ's blocking connections, which must wait (`maxRetriesPerRequest: null`).
 */
export const createRedis = (url: string, opts: { name: string; role: RedisRole; logger: Logger; clientName?: string }): Redis => {
  const options: RedisOptions = {
    // CLIENT SETNAME: what Redis lists this connection as (a gateway's names the gateway, see registry).
    connectionName: opts.clientName ?? opts.name,
    maxRetriesPerRequest: opts.role === 'blocking' ? null : 2,
    enableAutoPipelining: opts.role === 'command',
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000) + Math.floor(Math.random() * 100),
    reconnectOnError: (err) => err.message.startsWith('READONLY'),
  };
  const redis = new Redis(url, options);
  let lastLogged = 0;
  redis.on('error', (err: Error) => {
    // A dead Redis emits an error per reconnect attempt; one line a few seconds is enough.
    if (Date.now() - lastLogged > 5000) {
      lastLogged = Date.now();
      opts.logger.warn({ err, redis: opts.name }, 'redis connection error');
    }
  });
  return redis;
};

/** Resolves once the client is connected (or rejects after `timeoutMs`). */
export const waitForRedis = async (redis: Redis, timeoutMs = 10000): Promise<void> => {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
};
