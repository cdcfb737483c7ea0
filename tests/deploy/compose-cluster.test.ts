import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AURAWELL_SERVICES, CLUSTER_NODES, compose, type Compose, exampleCluster, exampleEnv, operatorEnv, rawCompose, REDIS_CLUSTER_VARS, svc } from './compose';
import { composeSchemaValidator, interpolate, read, ROOT } from './validators';

// The compose profile `cluster`: six Redis nodes and a one-shot job that forms the cluster, checked
// statically (schema, flags, wiring, the example .env) and by running the job's script against six
// real redis-server processes.

describe('docker-compose.yml, profile `cluster` (the frame path on a Redis Cluster)', () => {
  const INIT_SCRIPT = 'deploy/redis/cluster-init.sh';
  /** `--flag value` pairs of a redis-server command line. */
  const flagsOf = (command: string[] | undefined): Record<string, string> => {
    const [bin, ...args] = command ?? [];
    expect(bin).toBe('redis-server');
    expect(args.length % 2).toBe(0);
    return Object.fromEntries(args.flatMap((a, i) => (i % 2 === 0 ? [[a.replace(/^--/, ''), args[i + 1] as string]] : [])));
  };
  const hostPort = (entry: string): [string, string] => [entry.slice(0, entry.lastIndexOf(':')), entry.slice(entry.lastIndexOf(':') + 1)];

  test('six Redis 7 nodes: cluster mode, AOF, noeviction, their service name announced, a healthcheck and a volume each, no port', () => {
    for (const name of CLUSTER_NODES) {
      const node = svc(name);
      // 7.4 like `redis` (7.0 or later is what sharded pub/sub and announced hostnames need).
      expect(node.image).toMatch(/^redis:7\.[4-9][.\d]*(-|$)/);
      expect(node.profiles).toEqual(['cluster']);
      expect(flagsOf(node.command)).toEqual({
        port: '6379',
        'cluster-enabled': 'yes',
        'cluster-config-file': 'nodes.conf',
        'cluster-node-timeout': '5000',
        appendonly: 'yes',
        appendfsync: 'everysec',
        'maxmemory-policy': 'noeviction',
        'cluster-announce-hostname': name,
        'cluster-preferred-endpoint-type': 'hostname',
      });
      expect(node.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
      expect(node.volumes).toEqual([`${name}-data:/data`]);
      expect(compose.volumes).toHaveProperty(`${name}-data`);
      expect(node.restart).toBe('unless-stopped');
      expect([node.ports, node.expose]).toEqual([undefined, undefined]);
    }
  });

  test('redis-cluster-init runs once all six are healthy and creates three primaries with one replica each', () => {
    const init = svc('redis-cluster-init');
    expect(init.profiles).toEqual(['cluster']);
    expect(init.image).toBe(svc('redis-node-1').image);
    expect(init.restart).toBe('no');
    expect(init.depends_on).toEqual(Object.fromEntries(CLUSTER_NODES.map((n) => [n, { condition: 'service_healthy' }])));
    // The mounted script is the repository's, run by the image's sh.
    const [mount] = init.volumes ?? [];
    expect(init.volumes).toHaveLength(1);
    const [source, target, mode] = (mount as string).split(':');
    expect([source, mode]).toEqual([`./${INIT_SCRIPT}`, 'ro']);
    expect(init.entrypoint).toEqual(['sh', target]);
    // Its arguments are the six nodes, each at the port it listens on.
    expect(init.command?.map(hostPort)).toEqual(CLUSTER_NODES.map((n) => [n, flagsOf(svc(n).command).port]));
    // … handed to `redis-cli --cluster create` with one replica per primary: 6 / (1 + 1) = 3 primaries.
    const script = read(INIT_SCRIPT);
    const create = script.match(/^\s*redis-cli --cluster create "\$@" --cluster-replicas (\d+) --cluster-yes$/m);
    expect(create?.[1]).toBe('1');
    const primaries = (init.command?.length ?? 0) / (1 + Number(create?.[1]));
    expect(primaries).toBe(3);
    // Idempotent: it creates only when no node knows another yet.
    expect(script).toMatch(/cluster_known_nodes/);
    expect(script).toMatch(/if \[ "\$joined" -eq 0 \]; then\n\s*echo "creating the cluster/);
  });

  test('the init script lints clean (ShellCheck, POSIX sh: the image runs it with busybox sh)', () => {
    const res = spawnSync('shellcheck', ['-s', 'sh', '-S', 'style', join(ROOT, INIT_SCRIPT)], { encoding: 'utf8' });
    if (res.error) throw new Error('shellcheck is required (apt-get install -y shellcheck; scripts/system-deps.sh does)');
    expect(res.stdout + res.stderr).toBe('');
    expect(res.status).toBe(0);
  });

  test('no always-on service depends on a profiled one (compose refuses the dependency when the profile is off)', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.profiles) continue;
      for (const dep of Object.keys(s.depends_on ?? {})) expect([name, dep, svc(dep).profiles]).toEqual([name, dep, undefined]);
    }
  });

  test('the AuraWell services pass the Redis Cluster settings through from .env, empty (unset) by default', () => {
    const config = read('packages/platform/src/config.ts');
    for (const key of REDIS_CLUSTER_VARS) {
      // The exact names the services read.
      expect(config).toMatch(new RegExp(`^\\s+${key}: `, 'm'));
      for (const name of AURAWELL_SERVICES) {
        expect(rawCompose.services[name]?.environment?.[key]).toBe(`\${${key}:-}`);
        // With the example .env as it ships: empty, which the config loader treats as unset, so
        // everything stays on REDIS_URL as before.
        expect(svc(name).environment?.[key]).toBe('');
      }
      expect(exampleEnv[key]).toBeUndefined();
      expect(exampleCluster).toHaveProperty(key);
    }
    for (const name of AURAWELL_SERVICES) expect(svc(name).environment?.REDIS_URL).toBe('redis://redis:6379');
    // The migration touches no Redis.
    expect(Object.keys(svc('migrate').environment ?? {}).filter((k) => k.startsWith('REDIS'))).toEqual([]);
  });

  test("the example's cluster settings put the frame path on the profile's nodes and the queues on `redis`", () => {
    const clusterEnv = { ...operatorEnv, ...Object.fromEntries(Object.entries(exampleCluster).filter(([, v]) => v !== '')) };
    expect(clusterEnv.COMPOSE_PROFILES).toBe('cluster');
    const withCluster = interpolate(rawCompose, clusterEnv) as Compose;
    expect(composeSchemaValidator()(withCluster)).toEqual([]);
    for (const name of AURAWELL_SERVICES) {
      const env = withCluster.services[name]?.environment ?? {};
      const seeds = (env.REDIS_CLUSTER_NODES ?? '').split(',').map(hostPort);
      expect(seeds.length).toBeGreaterThanOrEqual(3);
      for (const [host, port] of seeds) {
        expect(CLUSTER_NODES).toContain(host);
        expect(port).toBe(flagsOf(svc(host).command).port);
      }
      // The queue Redis: the standalone `redis` (AOF, noeviction), on its default port.
      expect(new URL(env.REDIS_QUEUE_URL ?? '').host).toBe('redis:6379');
      expect(svc('redis').command?.join(' ')).toMatch(/--appendonly yes.*--maxmemory-policy noeviction/);
      // The compose nodes need no auth or TLS.
      expect([env.REDIS_CLUSTER_USERNAME, env.REDIS_CLUSTER_PASSWORD, env.REDIS_CLUSTER_TLS]).toEqual(['', '', 'false']);
    }
  });
});

describe('deploy/redis/cluster-init.sh against six real redis-server nodes', () => {
  const nodes: { port: number; proc: ChildProcess }[] = [];
  let dir = '';
  const redisCli = (port: number, ...args: string[]) => spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' });
  const runInit = (...args: string[]) => spawnSync('sh', [join(ROOT, 'deploy/redis/cluster-init.sh'), ...args], { encoding: 'utf8', timeout: 50000 });
  const addresses = () => nodes.map((n) => `127.0.0.1:${n.port}`);
  /** id → [role, primary id or '-', slots] from CLUSTER NODES. */
  const topology = (port: number) =>
    Object.fromEntries(
      redisCli(port, 'cluster', 'nodes')
        .stdout.trim()
        .split('\n')
        .map((line) => line.split(' '))
        .map(([id, , flags, primary, , , , , ...slots]) => [id, [flags?.replace('myself,', ''), primary, slots.join(' ')]]),
    );
  /** A port p with p + 10000 (its cluster bus port) free as well. */
  const freePortPair = async (): Promise<number> => {
    const free = (port: number) =>
      new Promise<boolean>((resolve) => {
        const srv = createServer().once('error', () => resolve(false));
        srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
      });
    for (;;) {
      const port = 20000 + Math.floor(Math.random() * 20000);
      if (!nodes.some((n) => Math.abs(n.port - port) < 2) && (await free(port)) && (await free(port + 10000))) return port;
    }
  };

  beforeAll(async () => {
    for (const bin of ['redis-server', 'redis-cli']) {
      if (spawnSync(bin, ['--version']).error) throw new Error(`${bin} is required (Debian: apt-get install -y redis-server)`);
    }
    dir = mkdtempSync(join(tmpdir(), 'aw-cluster-init-'));
    for (let i = 0; i < 6; i++) {
      const port = await freePortPair();
      const proc = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`,
          '--cluster-node-timeout', '5000', '--appendonly', 'no', '--save', '', '--cluster-announce-hostname', `node-${i + 1}`, '--cluster-preferred-endpoint-type', 'hostname'],
        { stdio: 'ignore' },
      );
      nodes.push({ port, proc });
    }
    for (const { port } of nodes) {
      for (let t = 0; redisCli(port, 'ping').stdout.trim() !== 'PONG'; t++) {
        if (t > 100) throw new Error(`redis-server on ${port} did not start`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });

  afterAll(() => {
    for (const { proc } of nodes) proc.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('refuses fewer than six nodes', () => {
    const res = runInit(...addresses().slice(0, 5));
    expect([res.status, res.stderr]).toEqual([64, expect.stringContaining('usage:')]);
  });

  test('creates three primaries with one replica each, all slots covered; a second run changes nothing', async () => {
    const first = runInit(...addresses());
    expect([first.status, first.stderr]).toEqual([0, '']);
    expect(first.stdout).toMatch(/cluster created/);
    let view: Record<string, [string, string, string]> = {};
    for (let t = 0; t < 100; t++) {
      view = topology(nodes[0]!.port) as typeof view;
      if (Object.values(view).filter(([role]) => role === 'slave').length === 3) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const primaries = Object.entries(view).filter(([, [role]]) => role === 'master');
    const replicas = Object.entries(view).filter(([, [role]]) => role === 'slave');
    expect([primaries.length, replicas.length]).toEqual([3, 3]);
    expect(primaries.map(([, [, , slots]]) => slots).sort()).toEqual(['0-5460', '10923-16383', '5461-10922']);
    expect(replicas.map(([, [, primary]]) => primary).sort()).toEqual(primaries.map(([id]) => id).sort());
    expect(redisCli(nodes[5]!.port, 'cluster', 'info').stdout).toMatch(/cluster_state:ok/);
    // The node names the clients get are the announced hostnames.
    expect(redisCli(nodes[0]!.port, 'cluster', 'shards').stdout).toMatch(/node-1/);

    const second = runInit(...addresses());
    expect([second.status, second.stderr]).toEqual([0, '']);
    expect(second.stdout).toMatch(/cluster already exists \(6 of 6 nodes joined/);
    expect(topology(nodes[0]!.port)).toEqual(view);
  });
});
