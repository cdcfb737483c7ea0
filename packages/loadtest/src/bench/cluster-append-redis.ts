import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { RedisTarget } from '@aurawell/platform';
import { TestRedisCluster } from '@aurawell/testkit';
import { startScratchRedis } from './redis-counts';

// The Redis setups of the cluster-append benchmark, and what it reads from their nodes (INFO):
// a standalone redis-server, a hand-built 1-primary cluster (redis-cli --cluster create wants at
// least 3 primaries), and TestRedisCluster for 3 or more primaries. Every node keeps an AOF with
// the default everysec fsync and no RDB snapshots, as TestRedisCluster's nodes do.

export type RedisNode = { port: number; role: 'primary' | 'replica' };

export type Setup = {
  name: string;
  /** How it was built, for the report. */
  describe: string;
  target: RedisTarget | string;
  nodes: RedisNode[];
  stop(): Promise<void>;
};

/**
 * What a node's INFO says so far: CPU seconds of redis-server itself (every thread), and of its
 * forked children (AOF rewrites); socket reads from clients (one per batch of commands read); on a
 * cluster, sharded publishes sent over the cluster bus to the other nodes of the shard (each one a
 * bus message with the full bus header on Redis 7: the slot bitmap alone is 2 KiB).
 */
export type NodeCpu = { port: number; role: RedisNode['role']; cpu: number; childrenCpu: number; reads: number; busPublishes: number };

const host = '127.0.0.1';

/** One command on a short-lived connection to one node (no cluster redirection). */
export const askNode = async (port: number, ...args: string[]): Promise<string> => {
  const c = new Redis({ host, port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined); // connect() rejects too
  try {
    await c.connect();
    return String(await c.call(args[0]!, ...args.slice(1)));
  } finally {
    c.disconnect();
  }
};

const field = (info: string, name: string): string => new RegExp(`^${name}:(.*)$`, 'm').exec(info)?.[1]?.trim() ?? '';

export const nodeCpu = async (n: RedisNode): Promise<NodeCpu> => {
  const info = await askNode(n.port, 'INFO', 'cpu', 'stats');
  const cluster = await askNode(n.port, 'CLUSTER', 'INFO').catch(() => ''); // standalone: cluster support disabled
  const f = (name: string) => Number(field(info, name) || 0);
  const busPublishes = Number(field(cluster, 'cluster_stats_messages_publishshard_sent') || 0);
  return { ...n, cpu: f('used_cpu_sys') + f('used_cpu_user'), childrenCpu: f('used_cpu_sys_children') + f('used_cpu_user_children'), reads: f('total_reads_processed'), busPublishes };
};

/** Each port's role as the node itself says (INFO replication). */
const rolesOf = (ports: number[]): Promise<RedisNode[]> =>
  Promise.all(ports.map(async (port) => ({ port, role: field(await askNode(port, 'INFO', 'replication'), 'role') === 'master' ? ('primary' as const) : ('replica' as const) })));

const waitUntil = async (what: string, check: () => Promise<boolean>, timeoutMs = 20000): Promise<void> => {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    if (await check().catch(() => false)) return;
  }
  throw new Error(`bench redis: ${what} not within ${timeoutMs} ms`);
};

const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });

/** A port whose cluster bus port (+10000) is free too, below 55536 (as TestRedisCluster picks them). */
const freeClusterPort = async (): Promise<number> => {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 21000 + Math.floor(Math.random() * 24000);
    if ((await portIsFree(port)) && (await portIsFree(port + 10000))) return port;
  }
  throw new Error('no free port pair for a cluster node');
};

const clusterTarget = (ports: number[]): RedisTarget => ({ kind: 'cluster', nodes: ports.map((port) => ({ host, port })), tls: false });

/** Scratch servers under one temporary directory (a subdirectory each), stopped and removed together. */
const scratchGroup = () => {
  const root = mkdtempSync(join(tmpdir(), 'aw-bench-redis-'));
  const servers: { url: string; stop(): Promise<void> }[] = [];
  return {
    start: async (args: string[], port?: number) => {
      const dir = join(root, String(servers.length));
      mkdirSync(dir);
      const s = await startScratchRedis({ port, args: ['--dir', dir, '--appendonly', 'yes', ...args] });
      servers.push(s);
      return Number(new URL(s.url).port);
    },
    stop: async () => {
      await Promise.all(servers.map((s) => s.stop()));
      rmSync(root, { recursive: true, force: true });
    },
  };
};

/** `aof` false: the profile's scratch Redis (no persistence at all), for reference. */
const startStandalone = async (aof: boolean): Promise<Setup> => {
  const group = scratchGroup();
  try {
    const port = await group.start(aof ? [] : ['--appendonly', 'no']);
    const [name, describe] = aof ? ['standalone', 'one redis-server, AOF (everysec), no replica'] : ['standalone-no-aof', 'one redis-server without AOF (as `profile` runs it), no replica; for reference'];
    return { name, describe, target: `redis://${host}:${port}`, nodes: [{ port, role: 'primary' }], stop: group.stop };
  } catch (err) {
    await group.stop();
    throw err;
  }
};

/** The same node settings as TestRedisCluster's (AOF, node timeout 2 s, serve while a shard is down). */
const CLUSTER_NODE_ARGS = ['--cluster-enabled', 'yes', '--cluster-node-timeout', '2000', '--cluster-require-full-coverage', 'no'];

/** One primary holding all 16384 slots and its replica: ADDSLOTSRANGE, MEET, REPLICATE by hand. */
const startOnePrimary = async (): Promise<Setup> => {
  const group = scratchGroup();
  try {
    const primary = await group.start(CLUSTER_NODE_ARGS, await freeClusterPort());
    const replica = await group.start(CLUSTER_NODE_ARGS, await freeClusterPort());
    await askNode(primary, 'CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
    await askNode(primary, 'CLUSTER', 'MEET', host, String(replica));
    const id = await askNode(primary, 'CLUSTER', 'MYID');
    await waitUntil('the replica meets the primary', async () => (await askNode(replica, 'CLUSTER', 'NODES')).includes(id));
    await askNode(replica, 'CLUSTER', 'REPLICATE', id);
    await waitUntil('cluster state ok, replica in sync', async () => {
      const [a, b, repl] = await Promise.all([askNode(primary, 'CLUSTER', 'INFO'), askNode(replica, 'CLUSTER', 'INFO'), askNode(replica, 'INFO', 'replication')]);
      return [a, b].every((i) => i.includes('cluster_state:ok')) && field(repl, 'master_link_status') === 'up';
    });
    const describe = '1 primary (all 16384 slots) + 1 replica, built by hand: CLUSTER ADDSLOTSRANGE 0 16383, CLUSTER MEET, CLUSTER REPLICATE';
    return { name: 'cluster-1', describe, target: clusterTarget([primary, replica]), nodes: await rolesOf([primary, replica]), stop: group.stop };
  } catch (err) {
    await group.stop();
    throw err;
  }
};

const startTestCluster = async (primaries: number): Promise<Setup> => {
  const cluster = await TestRedisCluster.start({ primaries });
  try {
    const nodes = await rolesOf(cluster.ports);
    const describe = `${primaries} primaries + ${primaries} replicas (TestRedisCluster: redis-cli --cluster create --cluster-replicas 1)`;
    return { name: `cluster-${primaries}`, describe, target: clusterTarget(cluster.ports), nodes, stop: () => cluster.destroy() };
  } catch (err) {
    await cluster.destroy();
    throw err;
  }
};

/** `standalone`, `standalone-no-aof`, `cluster-1` or `cluster-<n>` with n ≥ 3. */
export const startSetup = (name: string): Promise<Setup> => {
  if (name === 'standalone' || name === 'standalone-no-aof') return startStandalone(name === 'standalone');
  if (name === 'cluster-1') return startOnePrimary();
  const n = Number(/^cluster-(\d+)$/.exec(name)?.[1]);
  if (n >= 3) return startTestCluster(n);
  throw new Error(`unknown setup ${name}: standalone, standalone-no-aof, cluster-1 or cluster-<n ≥ 3>`);
};
