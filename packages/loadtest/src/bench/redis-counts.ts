import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '@aurawell/devstack';
import { Redis } from 'ioredis';

/**
 * Calls per command since the server started (INFO commandstats; commands run by scripts included),
 * plus `(socket reads)` and `(socket writes)`: read and write events on client connections, i.e.
 * network round trips however many commands each carried (pipelining).
 */
export const commandStats = async (url: string): Promise<Map<string, number>> => {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    await redis.connect();
    const info = `${await redis.info('commandstats')}\n${await redis.info('stats')}`;
    const io = (field: string) => Number(new RegExp(`${field}:(\\d+)`).exec(info)?.[1] ?? 0);
    return new Map([
      ...[...info.matchAll(/cmdstat_([\w|]+):calls=(\d+)/g)].map((m): [string, number] => [m[1]!, Number(m[2])]),
      ['(socket reads)', io('total_reads_processed')],
      ['(socket writes)', io('total_writes_processed')],
    ]);
  } finally {
    redis.disconnect();
  }
};

/** `after − before` per command, largest first, zeros dropped. */
export const statsDelta = (before: Map<string, number>, after: Map<string, number>): [string, number][] =>
  [...after].map(([cmd, n]): [string, number] => [cmd, n - (before.get(cmd) ?? 0)]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);

/**
 * The commands clients sent while `run` ran, counted per client connection name (`CLIENT SETNAME`;
 * every service names its connections) and command, from MONITOR. Commands a script runs are
 * counted under `lua`. MONITOR slows Redis down: use it on a small run, for attribution only.
 */
export const commandsByClient = async (url: string, run: () => Promise<void>): Promise<Map<string, number>> => {
  const admin = new Redis(url);
  const names = new Map<string, string>();
  for (const line of String(await admin.client('LIST')).split('\n')) {
    const addr = /\baddr=(\S+)/.exec(line)?.[1];
    if (addr) names.set(addr, /\bname=(\S*)/.exec(line)?.[1] || 'unnamed');
  }
  const monitor = await admin.monitor();
  // ioredis can mistake a MONITOR line for a reply while the connection switches modes: count what arrives, never crash.
  monitor.on('error', () => undefined);
  const counts = new Map<string, number>();
  monitor.on('monitor', (_time: string, args: string[], source: string) => {
    const who = source === 'lua' ? 'lua' : (names.get(source) ?? 'other');
    const key = `${who} ${String(args[0]).toLowerCase()}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  try {
    await run();
  } finally {
    monitor.disconnect();
    admin.disconnect();
  }
  return counts;
};

/**
 * A throwaway redis-server (no persistence) so that command counts are this run's alone. `args` go
 * last, so they override (e.g. `--appendonly yes --dir <tmp>`, `--cluster-enabled yes`); `port`: one
 * the caller picked (a cluster node needs its port + 10000 free too).
 */
export const startScratchRedis = async (opts: { port?: number; args?: readonly string[] } = {}): Promise<{ url: string; pid: number; stop(): Promise<void> }> => {
  const port = opts.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...(opts.args ?? [])];
  const child: ChildProcess = spawn('redis-server', args, { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined); // refused until the server listens; connect() rejects too
    try {
      await probe.connect();
      break;
    } catch (err) {
      if (i > 100) throw err;
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      probe.disconnect();
    }
  }
  const exited = new Promise((r) => child.once('exit', r));
  return { url, pid: child.pid ?? 0, stop: async () => void (child.kill('SIGTERM'), await exited) };
};
