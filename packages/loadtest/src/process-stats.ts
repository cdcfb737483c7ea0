import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';

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

/**
 * Commands Redis has executed (INFO commandstats; commands run inside a script count too) and
 * script calls (EVALSHA/EVAL: one round trip each), to divide by delivered tokens.
 */
export const redisCommandCounts = async (url: string): Promise<RedisCounts> => {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    await redis.connect();
    const info = await redis.info('commandstats');
    const calls = (pattern: RegExp) => [...info.matchAll(pattern)].reduce((sum, m) => sum + Number(m[1]), 0);
    return { commands: calls(/calls=(\d+)/g), scripts: calls(/cmdstat_eval(?:sha)?:calls=(\d+)/g) };
  } finally {
    redis.disconnect();
  }
};
