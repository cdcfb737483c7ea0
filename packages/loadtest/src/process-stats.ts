import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { sleep } from './clock';

/** Resident memory of a process in bytes (Linux /proc). */
export const rssBytes = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ? Number(m[1]) * 1024 : 0;
};

/** CPU seconds a process has used so far (user + system; /proc ticks are 1/100 s on Linux). */
export const cpuSeconds = (pid: number): number => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
};

export type RedisCounts = { commands: number; scripts: number };

/** One server's counts; null for a cluster replica (it replays its primary's commands). */
const countsOf = async (redis: Redis, primariesOnly: boolean): Promise<RedisCounts | null> => {
  try {
    await redis.connect();
    if (primariesOnly && !(await redis.info('replication')).includes('role:master')) return null;
    const info = await redis.info('commandstats');
    const calls = (pattern: RegExp) => [...info.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
    return { commands: calls(/calls=(\d+)/g), scripts: calls(/cmdstat_eval(?:sha)?:calls=(\d+)/g) };
  } finally {
    redis.disconnect();
  }
};

/**
 * Commands Redis has executed (INFO commandstats; commands run inside a script count too) and
 * script calls (EVALSHA/EVAL: one round trip each), to divide by delivered tokens. `target` is a
 * URL, or a cluster's `host:port,…` (every node listed: the primaries' counts are summed).
 */
export const redisCommandCounts = async (target: string): Promise<RedisCounts> => {
  if (/^rediss?:/.test(target)) return (await countsOf(new Redis(target, { lazyConnect: true }), false))!;
  const nodes = target.split(',').map((n) => new Redis({ host: n.slice(0, n.lastIndexOf(':')), port: Number(n.slice(n.lastIndexOf(':') + 1)), lazyConnect: true }));
  const each = (await Promise.all(nodes.map((r) => countsOf(r, true)))).filter((c): c is RedisCounts => c !== null);
  return { commands: each.reduce((s, c) => s + c.commands, 0), scripts: each.reduce((s, c) => s + c.scripts, 0) };
};

/** A process's memory as its own metrics report it (prom-client's default process and Node metrics). */
export type Memory = { rssBytes: number; heapUsedBytes: number };

/** Reads one gauge (its first series, whatever its labels) from a Prometheus text exposition. */
export const gauge = (text: string, name: string): number | null => {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)`, 'm').exec(text);
  return m?.[1] === undefined ? null : Number(m[1]);
};

/** RSS and heap in use, summed over the gateways' `/metrics` (null when none answered). */
export const gatewaysMemory = async (metricsUrls: string[]): Promise<Memory | null> => {
  const each = await Promise.all(
    metricsUrls.map(async (url) => {
      try {
        const text = await (await fetch(url, { signal: AbortSignal.timeout(5000) })).text();
        return { rssBytes: gauge(text, 'process_resident_memory_bytes') ?? 0, heapUsedBytes: gauge(text, 'nodejs_heap_size_used_bytes') ?? 0 };
      } catch {
        return null; // a killed gateway, or a slow scrape under load
      }
    }),
  );
  const answered = each.filter((m): m is Memory => m !== null);
  if (answered.length === 0) return null;
  return { rssBytes: answered.reduce((s, m) => s + m.rssBytes, 0), heapUsedBytes: answered.reduce((s, m) => s + m.heapUsedBytes, 0) };
};

/**
 * The gateways' memory once settled: the lowest of a few samples (the heap right after a
 * collection is the live heap; RSS is taken the same way).
 */
export const settledMemory = async (metricsUrls: string[], samples = 6, gapMs = 500): Promise<Memory | null> => {
  let low: Memory | null = null;
  for (let i = 0; i < samples; i += 1) {
    if (i > 0) await sleep(gapMs);
    const m = await gatewaysMemory(metricsUrls);
    if (m) low = low ? { rssBytes: Math.min(low.rssBytes, m.rssBytes), heapUsedBytes: Math.min(low.heapUsedBytes, m.heapUsedBytes) } : m;
  }
  return low;
};

/** Memory per connection between two settled measurements (marginal: only what the added connections cost). */
export const perConnectionKiB = (before: Memory, after: Memory, connections: number): { rss: number; heap: number } | null =>
  connections > 0 ? { rss: (after.rssBytes - before.rssBytes) / 1024 / connections, heap: (after.heapUsedBytes - before.heapUsedBytes) / 1024 / connections } : null;
