import { randomBytes } from 'node:crypto';
import { Cluster, Redis } from 'ioredis';

export const testRedisUrl = (): string => {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set (the jest global setup sets it)');
  return url;
};

/**
 * The Redis Cluster the run uses (`AW_TEST_REDIS=cluster`: the jest global setup starts one and
 * sets REDIS_CLUSTER_NODES, which the services under test read too); undefined on a standalone run.
 */
export const testClusterNodes = (): string | undefined => process.env.REDIS_CLUSTER_NODES || undefined;

const seeds = (nodes: string) => nodes.split(',').map((n) => ({ host: n.slice(0, n.lastIndexOf(':')), port: Number(n.slice(n.lastIndexOf(':') + 1)) }));

/** A plain client of the run's Redis, standalone or cluster, for a test's own reads and writes. */
export const testRedis = (): Redis | Cluster => {
  const nodes = testClusterNodes();
  return nodes ? new Cluster(seeds(nodes)) : new Redis(testRedisUrl());
};

/** A key prefix no other test uses. */
export const testPrefix = (): string => `awt_${randomBytes(5).toString('hex')}`;

/** Unlinks the keys under `prefix` on one Redis (a cluster node: one key per command, keys of different slots). */
const deleteOn = async (redis: Redis, prefix: string, oneByOne: boolean): Promise<number> => {
  let deleted = 0;
  for await (const batch of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
    const keys = batch as string[];
    if (keys.length === 0) continue;
    deleted += oneByOne ? (await Promise.all(keys.map((k) => redis.unlink(k)))).reduce((a, b) => a + b, 0) : await redis.unlink(...keys);
  }
  return deleted;
};

/** Deletes every key under the test's own prefix, and nothing else (on every primary of a cluster run). */
export const deleteKeysWithPrefix = async (prefix: string): Promise<number> => {
  const nodes = testClusterNodes();
  if (!nodes) {
    const redis = new Redis(testRedisUrl(), { lazyConnect: false });
    try {
      return await deleteOn(redis, prefix, false);
    } finally {
      redis.disconnect();
    }
  }
  const cluster = new Cluster(seeds(nodes));
  try {
    await new Promise<void>((resolve, reject) => cluster.once('ready', resolve).once('error', reject));
    const counts = await Promise.all(cluster.nodes('master').map((node) => deleteOn(node, prefix, true)));
    return counts.reduce((a, b) => a + b, 0);
  } finally {
    cluster.disconnect();
  }
};
