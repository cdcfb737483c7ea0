import type { LoadOptions } from './args';
import type { Credential, ShardSpec } from './shard-protocol';

/** Where the shards connect and what they check against (from the fleet). */
export type SpecTarget = { wsUrls: string[]; httpBase: string; simUrl: string | null };

/** Splits `n` into `parts` shares as equal as possible (the first ones get the remainder). */
export const shares = (n: number, parts: number): number[] => Array.from({ length: parts }, (_, i) => Math.floor(n / parts) + (i < n % parts ? 1 : 0));

/**
 * One spec per client process: consecutive slices of the users, and an equal share of every rate
 * (users or connections per second, REST requests per second, warm-up connections), so the
 * processes together do what the flags say.
 */
export const shardSpecs = (o: LoadOptions, target: SpecTarget, users: Credential[], restTokens: string[], until: number | undefined): ShardSpec[] => {
  const userShares = shares(users.length, o.procs);
  const warmups = shares(o.warmup, o.procs);
  let first = 0;
  return userShares.map((count, index) => {
    const spec: ShardSpec = {
      index,
      scenario: o.scenario,
      ...target,
      users: users.slice(first, first + count),
      firstIndex: first,
      rampPerSecond: o.rampPerSecond / o.procs,
      chats: o.chats,
      thinkMs: o.thinkMs,
      chatTimeoutMs: o.timeoutMs,
      connectTimeoutMs: o.timeoutMs,
      backoff: o.backoff,
      until,
      warmup: Math.min(warmups[index] ?? 0, count),
      armTokens: o.armTokens,
      rest: o.restRate > 0 ? { ratePerSecond: o.restRate / o.procs, routes: o.routes, tokens: restTokens } : null,
      voice: o.scenario === 'voice' ? { utteranceMs: o.utteranceMs, frameMs: o.frameMs, pace: o.pace } : null,
    };
    first += count;
    return spec;
  });
};
