import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import calculateSlot = require('cluster-key-slot');
import type { Logger } from './logger';

export { Cluster, Redis } from 'ioredis';

/** A connection to standalone Redis or to a Redis Cluster: the commands the services use are the same. */
export type RedisClient = Redis | Cluster;

export type RedisRole = 'command' | 'subscriber' | 'blocking';

/** Where a connection goes: one Redis by URL, or a cluster by its seed nodes. */
export type RedisTarget =
  | { kind: 'standalone'; url: string }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; username?: string; password?: string; tls: boolean };

/** The Redis settings every service reads (see `baseEnv`). */
export type RedisEnv = {
  REDIS_URL: string;
  REDIS_CLUSTER_NODES: string[];
  REDIS_CLUSTER_USERNAME?: string | undefined;
  REDIS_CLUSTER_PASSWORD?: string | undefined;
  REDIS_CLUSTER_TLS: boolean;
  REDIS_QUEUE_URL?: string | undefined;
};

/**
 * The three modes: everything on REDIS_URL; everything on the cluster of REDIS_CLUSTER_NODES;
 * either of those with the BullMQ queues on REDIS_QUEUE_URL instead.
 */
export const redisTargetsOf = (env: RedisEnv): { main: RedisTarget; queue: RedisTarget } => {
  const main: RedisTarget =
    env.REDIS_CLUSTER_NODES.length > 0
      ? {
          kind: 'cluster',
          nodes: env.REDIS_CLUSTER_NODES.map((n) => ({ host: n.slice(0, n.lastIndexOf(':')), port: Number(n.slice(n.lastIndexOf(':') + 1)) })),
          username: env.REDIS_CLUSTER_USERNAME,
          password: env.REDIS_CLUSTER_PASSWORD,
          tls: env.REDIS_CLUSTER_TLS,
        }
      : { kind: 'standalone', url: env.REDIS_URL };
  return { main, queue: env.REDIS_QUEUE_URL ? { kind: 'standalone', url: env.REDIS_QUEUE_URL } : main };
};

/** True when the client talks to a Redis Cluster (scripts then keep to one slot per call). */
export const isCluster = (redis: RedisClient): redis is Cluster => redis.isCluster;

type ClientOptions = { name: string; role: RedisRole; logger: Logger; clientName?: string };

/** Per-connection settings, the same for a standalone Redis and for each node of a cluster. */
const connectionOptions = (opts: ClientOptions): RedisOptions => ({
  // CLIENT SETNAME: what Redis lists this connection as (a gateway's names the gateway, see registry).
  connectionName: opts.clientName ?? opts.name,
  // Fail commands quickly while disconnected (a request gets an error instead of hanging), except
  // BullMQ's blocking connections, which must wait.
  maxRetriesPerRequest: opts.role === 'blocking' ? null : 2,
  retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000) + Math.floor(Math.random() * 100),
  reconnectOnError: (err) => err.message.startsWith('READONLY'),
});

const clusterOptions = (target: Extract<RedisTarget, { kind: 'cluster' }>, opts: ClientOptions): ClusterOptions => ({
  redisOptions: {
    ...connectionOptions(opts),
    ...(target.username ? { username: target.username } : {}),
    ...(target.password ? { password: target.password } : {}),
    ...(target.tls ? { tls: {} } : {}),
  },
  // Managed clusters announce node names that TLS certificates cover: connect by name, not by a resolved IP.
  ...(target.tls ? { dnsLookup: (address: string, callback: (err: null, address: string) => void) => callback(null, address) } : {}),
  // No auto-pipelining on a cluster: ioredis batches commands per node and handles MOVED per batch,
  // so after a slot moves (reshard, failover) the commands of other slots in the batch fail with
  // MOVED instead of following it (redis/ioredis#2075, open). Each command follows MOVED/ASK itself.
  enableAutoPipelining: false,
  // One subscriber connection per primary; SSUBSCRIBE follows slot moves and failovers.
  shardedSubscribers: opts.role === 'subscriber',
  clusterRetryStrategy: (attempt) => Math.min(100 * attempt, 2000) + Math.floor(Math.random() * 100),
  // No clusterNodeRetryStrategy: a node whose connection drops is forgotten and the slot table
  // fetched again, which is how a dead primary's slots find its promoted replica (retrying the dead
  // node forever would keep its slots pointed at it; only MOVED would fix that, and it never answers).
  retryDelayOnFailover: 200,
  retryDelayOnClusterDown: 300,
  slotsRefreshTimeout: 2000,
});

/**
 * The one place that decides how services talk to Redis: reconnect forever with capped backoff,
 * fail commands quickly while disconnected, except for BullMQ's blocking connections.
 */
export const createRedis = (target: RedisTarget | string, opts: ClientOptions): RedisClient => {
  const t: RedisTarget = typeof target === 'string' ? { kind: 'standalone', url: target } : target;
  const redis: RedisClient =
    t.kind === 'cluster'
      ? new Cluster(t.nodes, clusterOptions(t, opts))
      : new Redis(t.url, { ...connectionOptions(opts), enableAutoPipelining: opts.role === 'command' });
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
export const waitForRedis = async (redis: RedisClient, timeoutMs = 10000): Promise<void> => {
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

/**
 * Waits (at most `timeoutMs`) until a replica of the primary holding `key` has every write this
 * client sent it, and says how many replicas have. Replication is asynchronous: a primary that
 * dies right after acknowledging a write takes it along unless it reached a replica. Only on a
 * cluster (a standalone Redis's durability is its append-only file); null elsewhere. WAIT holds the
 * node's connection while it waits, so callers use it rarely (once per generation, at its end).
 */
export const waitForReplica = async (redis: RedisClient, key: string, timeoutMs: number): Promise<number | null> => {
  if (!isCluster(redis)) return null;
  const primary = redis.slots[calculateSlot(key)]?.[0];
  const node = redis.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === primary);
  return node ? Number(await node.call('WAIT', 1, timeoutMs)) : null;
};
