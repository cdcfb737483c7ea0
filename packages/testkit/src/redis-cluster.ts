import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis, type RedisOptions } from 'ioredis';
import type { TestCerts } from './test-certs';

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

/**
 * How the cluster runs, as managed clusters do: `tls`, every port TLS only (clients, cluster bus,
 * replication; client certificates not required); `user`, clients (and replicas, to their primary)
 * authenticate as this ACL user, and the default user is off, so a client without it is refused.
 */
export type ClusterSecurity = {
  tls?: Pick<TestCerts, 'caFile' | 'certFile' | 'keyFile' | 'ca'>;
  /** Written into a redis.conf line as it is: no spaces. */
  user?: { username: string; password: string };
};

/** What a client of the cluster needs besides host and port (nothing on a plain one). */
const clientOptionsOf = (security: ClusterSecurity): RedisOptions => ({
  ...(security.tls ? { tls: { ca: security.tls.ca } } : {}),
  ...(security.user ? { username: security.user.username, password: security.user.password } : {}),
});

/** redis-cli's own flags for the cluster; the password goes in its environment (REDISCLI_AUTH), never on its command line. */
const cliOf = (security: ClusterSecurity): { args: string[]; env: NodeJS.ProcessEnv } => ({
  args: [...(security.tls ? ['--tls', '--cacert', security.tls.caFile] : []), ...(security.user ? ['--user', security.user.username] : [])],
  env: security.user ? { ...process.env, REDISCLI_AUTH: security.user.password } : process.env,
});

/** The settings of a secured node that hold the password: in a file only its owner reads, not on redis-server's command line. */
const writeAclConfig = (dir: string, user: NonNullable<ClusterSecurity['user']>): string => {
  const file = join(dir, 'acl.conf');
  const lines = ['user default off', `user ${user.username} on >${user.password} ~* &* +@all`, `masteruser ${user.username}`, `masterauth ${user.password}`];
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return file;
};

/** A node's listening flags: its port in the clear, or (TLS) only TLS on it, its bus and its replication. */
const portArgs = (port: number, tls: ClusterSecurity['tls']): string[] => {
  if (!tls) return ['--port', String(port)];
  const files = ['--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--tls-ca-cert-file', tls.caFile];
  return ['--port', '0', '--tls-port', String(port), '--tls-cluster', 'yes', '--tls-replication', 'yes', '--tls-auth-clients', 'no', ...files];
};

/** Still running: a child killed by a signal keeps `exitCode` null (it gets `signalCode`). */
const alive = (child: ChildProcess | undefined): child is ChildProcess => !!child && child.exitCode === null && child.signalCode === null;

const probe = (port: number, options: RedisOptions) => {
  const c = new Redis({ ...options, port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
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

const askNode = async (port: number, options: RedisOptions, ...args: string[]): Promise<string> => {
  const c = probe(port, options);
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
 * primary's replica takes over within a few seconds. With `security`, TLS-only and/or behind an
 * ACL user (see ClusterSecurity); its clients then need `clientOptions`.
 */
export class TestRedisCluster {
  private readonly children = new Map<number, ChildProcess>();
  /** What a test's own ioredis client needs besides host and port (`{}` on a plain cluster). */
  readonly clientOptions: RedisOptions;
  private readonly cli: { args: string[]; env: NodeJS.ProcessEnv };
  private readonly aclConfig: string | undefined;

  private constructor(
    readonly ports: number[],
    private readonly dir: string,
    private readonly nodeTimeoutMs: number,
    private readonly security: ClusterSecurity,
  ) {
    this.clientOptions = clientOptionsOf(security);
    this.cli = cliOf(security);
    this.aclConfig = security.user ? writeAclConfig(dir, security.user) : undefined;
  }

  static async start(opts: { primaries?: number; nodeTimeoutMs?: number; security?: ClusterSecurity } = {}): Promise<TestRedisCluster> {
    const size = (opts.primaries ?? 3) * 2;
    const base = await freePortRange(size);
    const dir = mkdtempSync(join(tmpdir(), 'aw-cluster-'));
    const cluster = new TestRedisCluster(Array.from({ length: size }, (_, i) => base + i), dir, opts.nodeTimeoutMs ?? 2000, opts.security ?? {});
    try {
      await Promise.all(cluster.ports.map((p) => cluster.startNode(p)));
      const nodes = cluster.ports.map((p) => `127.0.0.1:${p}`);
      await cluster.redisCli(['--cluster', 'create', ...nodes, '--cluster-replicas', '1', '--cluster-yes'], 30000);
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

  /** Runs redis-cli with the cluster's TLS and user flags. */
  private redisCli(args: string[], timeoutMs: number, maxBuffer?: number): Promise<{ stdout: string }> {
    return run('redis-cli', [...this.cli.args, ...args], { timeout: timeoutMs, env: this.cli.env, ...(maxBuffer ? { maxBuffer } : {}) });
  }

  private ask(port: number, ...args: string[]): Promise<string> {
    return askNode(port, this.clientOptions, ...args);
  }

  private async startNode(port: number): Promise<void> {
    const args = [
      // A config file comes first on redis-server's command line.
      ...(this.aclConfig ? [this.aclConfig] : []),
      ...portArgs(port, this.security.tls), '--bind', '127.0.0.1', '--dir', this.dir, '--cluster-enabled', 'yes',
      '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', String(this.nodeTimeoutMs),
      '--appendonly', 'yes', '--appendfilename', `aof-${port}.aof`, '--appenddirname', `aof-${port}`, '--save', '',
      // A test cluster serves what it can while a shard is down (the services' own fault handling is under test, not Redis's).
      '--cluster-require-full-coverage', 'no',
      // A replica's first sync starts at once, not after the 5 s a primary waits for more replicas.
      '--repl-diskless-sync-delay', '0',
    ];
    this.children.set(port, spawn('redis-server', args, { stdio: 'ignore' }));
    await waitFor(`node ${port} up`, async () => (await this.ask(port, 'PING')) === 'PONG', 10000);
  }

  /**
   * Every node agrees the cluster is whole (all slots served, state ok) and every replica has
   * synced with its primary: one that never had a link would not take over from a dead primary.
   */
  async waitHealthy(timeoutMs = 30000): Promise<void> {
    await waitFor('state ok, replicas linked', async () => {
      const nodes = [...this.children.keys()];
      const infos = await Promise.all(nodes.map((p) => this.ask(p, 'CLUSTER', 'INFO')));
      const links = await Promise.all(nodes.map((p) => this.ask(p, 'INFO', 'replication')));
      const linked = links.filter((i) => i.includes('role:slave') && i.includes('master_link_status:up')).length;
      return infos.every((i) => i.includes('cluster_state:ok') && i.includes('cluster_slots_ok:16384')) && linked === this.ports.length / 2;
    }, timeoutMs);
  }

  /** The ports of the current primaries (as the first live node sees them). */
  async primaries(): Promise<number[]> {
    const nodes = await this.ask(this.livePort(), 'CLUSTER', 'NODES');
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
    return this.ports.find((p) => alive(this.children.get(p))) ?? this.ports[0]!;
  }

  private async slotTable(): Promise<unknown> {
    const c = probe(this.livePort(), this.clientOptions);
    try {
      await c.connect();
      return await c.call('CLUSTER', 'SLOTS');
    } finally {
      c.disconnect();
    }
  }

  /** The hash slot of `key` (as CLUSTER KEYSLOT computes it). */
  async slotOf(key: string): Promise<number> {
    return Number(await this.ask(this.livePort(), 'CLUSTER', 'KEYSLOT', key));
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
    const [from, to] = await Promise.all([this.ask(fromPort, 'CLUSTER', 'MYID'), this.ask(toPort, 'CLUSTER', 'MYID')]);
    // redis-cli refuses to reshard until every node agrees on the configuration (after a failover
    // and a revived node that takes a moment): wait for its own check to pass first.
    await waitFor('redis-cli --cluster check clean', async () => (await this.redisCli(['--cluster', 'check', `127.0.0.1:${toPort}`], 10000), true), 60000);
    const args = ['--cluster', 'reshard', `127.0.0.1:${toPort}`, '--cluster-from', from, '--cluster-to', to, '--cluster-slots', String(count), '--cluster-yes'];
    await this.redisCli(args, 120000, 64 * 1024 * 1024).catch((err: { stdout?: string; message: string }) => {
      throw new Error(`${err.message}\n${(err.stdout ?? '').split('\n').filter((l) => l.includes('ERR')).join('\n')}`);
    });
  }

  /** Every node frozen (SIGSTOP) for `ms`, then thawed: the cluster unreachable, as in a network partition, with no failover. */
  async freeze(ms: number): Promise<void> {
    const live = [...this.children.values()].filter(alive);
    live.forEach((c) => c.kill('SIGSTOP'));
    await new Promise((r) => setTimeout(r, ms));
    live.forEach((c) => c.kill('SIGCONT'));
  }

  /** kill -9 of one node. */
  async kill(port: number): Promise<void> {
    const child = this.children.get(port);
    if (!alive(child)) return;
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
