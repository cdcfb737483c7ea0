import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';

const run = promisify(execFile);

/** A node's cluster bus listens on its port + 10000. */
const BUS_OFFSET = 10000;

const portIsFree = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** `count` consecutive ports whose bus ports are free too, all below 55536. */
const freePortRange = async (count: number): Promise<number> => {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const base = 21000 + Math.floor(Math.random() * 24000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    const free = await Promise.all(ports.flatMap((p) => [portIsFree(p), portIsFree(p + BUS_OFFSET)]));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no free port range for a Redis Cluster');
};

const probe = (port: number) => {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  c.on('error', () => undefined); // refused until the node listens; the call rejects too
  return c;
};

const waitFor = async (what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`redis cluster: ${what} not within ${timeoutMs} ms`);
};

const ask = async (port: number, ...args: string[]): Promise<string> => {
  const c = probe(port);
  try {
    await c.connect();
    return String(await c.call(args[0]!, ...args.slice(1)));
  } finally {
    c.disconnect();
  }
};

/**
 * A real Redis Cluster on loopback for tests: `primaries` primaries with one replica each, each
 * node its own `redis-server` with AOF, as production runs it. Short node timeout, so a killed
 * primary's replica takes over within a few seconds.
 */
export class TestRedisCluster {
  private readonly children = new Map<number, ChildProcess>();

  private constructor(
    readonly ports: number[],
    private readonly dir: string,
    private readonly nodeTimeoutMs: number,
  ) {}

  static async start(opts: { primaries?: number; nodeTimeoutMs?: number } = {}): Promise<TestRedisCluster> {
    const size = (opts.primaries ?? 3) * 2;
    const base = await freePortRange(size);
    const cluster = new TestRedisCluster(Array.from({ length: size }, (_, i) => base + i), mkdtempSync(join(tmpdir(), 'aw-cluster-')), opts.nodeTimeoutMs ?? 2000);
    try {
      await Promise.all(cluster.ports.map((p) => cluster.startNode(p)));
      const nodes = cluster.ports.map((p) => `127.0.0.1:${p}`);
      await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes'], { timeout: 30000 });
      await cluster.waitHealthy();
    } catch (err) {
      await cluster.destroy();
      throw err;
    }
    return cluster;
  }

  /** `host:port,…` as REDIS_CLUSTER_NODES takes it. */
  get nodes(): string {
    return this.ports.map((p) => `127.0.0.1:${p}`).join(',');
  }

  private async startNode(port: number): Promise<void> {
    const args = [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', this.dir, '--cluster-enabled', 'yes',
      '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', String(this.nodeTimeoutMs),
      '--appendonly', 'yes', '--appendfilename', `aof-${port}.aof`, '--appenddirname', `aof-${port}`, '--save', '',
      // A test cluster serves what it can while a shard is down (the services' own fault handling is under test, not Redis's).
      '--cluster-require-full-coverage', 'no',
    ];
    this.children.set(port, spawn('redis-server', args, { stdio: 'ignore' }));
    await waitFor(`node ${port} up`, async () => (await ask(port, 'PING')) === 'PONG', 10000);
  }

  /** Every node agrees the cluster is whole: all slots served, state ok. */
  async waitHealthy(timeoutMs = 30000): Promise<void> {
    await waitFor('state ok', async () => {
      const infos = await Promise.all([...this.children.keys()].map((p) => ask(p, 'CLUSTER', 'INFO')));
      return infos.every((i) => i.includes('cluster_state:ok') && i.includes('cluster_slots_ok:16384'));
    }, timeoutMs);
  }

  /** The ports of the current primaries (as the first live node sees them). */
  async primaries(): Promise<number[]> {
    const nodes = await ask(this.livePort(), 'CLUSTER', 'NODES');
    // CLUSTER NODES: `<id> <ip:port@bus> <flags,…> …`; flags hold `master` (the asked node's: `myself,master`).
    return nodes
      .split('\n')
      .map((l) => l.split(' '))
      .filter((f) => f.length > 2 && f[2]!.split(',').includes('master') && !f[2]!.includes('fail'))
      .map((f) => Number(f[1]!.split('@')[0]!.split(':')[1]));
  }

  /** The port of the primary serving `key` now. */
  async primaryOf(key: string): Promise<number> {
    return this.primaryOfSlot(await this.slotOf(key));
  }

  private livePort(): number {
    return this.ports.find((p) => this.children.get(p)?.exitCode === null) ?? this.ports[0]!;
  }

  private async slotTable(): Promise<unknown> {
    const c = probe(this.livePort());
    try {
      await c.connect();
      return await c.call('CLUSTER', 'SLOTS');
    } finally {
      c.disconnect();
    }
  }

  /** The hash slot of `key` (as CLUSTER KEYSLOT computes it). */
  async slotOf(key: string): Promise<number> {
    return Number(await ask(this.livePort(), 'CLUSTER', 'KEYSLOT', key));
  }

  /** The port of the primary serving `slot` now. */
  async primaryOfSlot(slot: number): Promise<number> {
    const slots = (await this.slotTable()) as [number, number, [string, number]][];
    const range = slots.find(([lo, hi]) => slot >= lo && slot <= hi);
    if (!range) throw new Error(`slot ${slot} unserved`);
    return range[2][1];
  }

  /**
   * `redis-cli --cluster reshard` of `count` slots from one primary to another, keys included
   * (MIGRATE slot by slot, as operators move slots; redis-cli takes the source's lowest slots first).
   */
  async moveSlots(fromPort: number, toPort: number, count: number): Promise<void> {
    const [from, to] = await Promise.all([ask(fromPort, 'CLUSTER', 'MYID'), ask(toPort, 'CLUSTER', 'MYID')]);
    // redis-cli refuses to reshard until every node agrees on the configuration (after a failover
    // and a revived node that takes a moment): wait for its own check to pass first.
    await waitFor('redis-cli --cluster check clean', async () => (await run('redis-cli', ['--cluster', 'check', `127.0.0.1:${toPort}`], { timeout: 10000 }), true), 60000);
    const args = ['--cluster', 'reshard', `127.0.0.1:${toPort}`, '--cluster-from', from, '--cluster-to', to, '--cluster-slots', String(count), '--cluster-yes'];
    await run('redis-cli', args, { timeout: 120000, maxBuffer: 64 * 1024 * 1024 }).catch((err: { stdout?: string; message: string }) => {
      throw new Error(`${err.message}\n${(err.stdout ?? '').split('\n').filter((l) => l.includes('ERR')).join('\n')}`);
    });
  }

  /** Every node frozen (SIGSTOP) for `ms`, then thawed: the cluster unreachable, as in a network partition, with no failover. */
  async freeze(ms: number): Promise<void> {
    const live = [...this.children.values()].filter((c) => c.exitCode === null);
    live.forEach((c) => c.kill('SIGSTOP'));
    await new Promise((r) => setTimeout(r, ms));
    live.forEach((c) => c.kill('SIGCONT'));
  }

  /** kill -9 of one node. */
  async kill(port: number): Promise<void> {
    const child = this.children.get(port);
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts a killed node again (it rejoins, as a replica if it lost its primary role). */
  async revive(port: number): Promise<void> {
    await this.startNode(port);
  }

  async destroy(): Promise<void> {
    await Promise.all([...this.children.keys()].map((p) => this.kill(p)));
    rmSync(this.dir, { recursive: true, force: true });
  }
}
