import { waitForReplica, type Keys, type RedisClient } from '@aurawell/platform';
import { isTerminalStatus, type GenerationStatus } from '@aurawell/protocol';
import { APPEND, CLAIM, START } from './scripts';

/**
 * The Redis side of a generation: a hash (status, last seq, owner), a stream of its frames
 * (entry id `<seq>-0`, for replay) and the user's set of running generations.
 *
 * Every write is one Lua script, so one round trip: it checks that the writer still owns the
 * generation (fencing a stale worker attempt out) and that `seq` follows the last one (no gap,
 * no repeat), appends the frame to the stream, refreshes expiry and publishes the frame to the
 * user's channel, all atomically.
 */

type Scripts = {
  awGenStart(...args: (string | number)[]): Promise<number>;
  awGenClaim(...args: (string | number)[]): Promise<number>;
  awGenAppendFrames(...args: (string | number)[]): Promise<number>;
  awGenAppendStatus(...args: (string | number)[]): Promise<number | [number, string]>;
};

const withScripts = (redis: RedisClient): RedisClient & Scripts => {
  const r = redis as RedisClient & Partial<Scripts>;
  if (!r.awGenAppendStatus) {
    redis.defineCommand('awGenStart', { numberOfKeys: 4, lua: START });
    redis.defineCommand('awGenClaim', { numberOfKeys: 1, lua: CLAIM });
    // One script, two key counts (frames only: meta and stream; with a status: also the user's set).
    // A fixed key count lets a cluster client route the call by its first key: with the count as
    // an argument, ioredis's auto-pipelining would group it by that number, mixing primaries.
    redis.defineCommand('awGenAppendFrames', { numberOfKeys: 2, lua: APPEND });
    redis.defineCommand('awGenAppendStatus', { numberOfKeys: 3, lua: APPEND });
  }
  return r as RedisClient & Scripts;
};

export type GenerationStoreOptions = {
  /** Upper bound of frames kept per generation for replay. */
  maxFrames: number;
  /** How long a generation's frames stay replayable after its last frame. */
  retentionMs: number;
  /**
   * Called when a generation ended and the next question of its conversation may run (its job
   * waits in the queue, delayed): the fast path; a waiting job also looks again by itself.
   */
  nextTurn?: (userId: string, messageId: string) => Promise<unknown>;
};

export type StartResult = 'started' | 'too_many' | 'exists';
/** What a claim found: the last seq written, or why it cannot be taken. */
export type ClaimResult = number | 'gone' | 'over' | 'not_owner' | 'not_its_turn';
export type AppendResult = 'ok' | 'fenced' | 'out_of_order';
export type GenerationMeta = { status: GenerationStatus; seq: number; conversationId: string; owner: string; question: string | null };

export type GenerationStore = ReturnType<typeof createGenerationStore>;

/** What every store call needs: the client (with the scripts), the key builder and the options. */
type Ctx = { r: RedisClient & Scripts; keys: Keys; opts: GenerationStoreOptions };

/** Upper bound of the wait for a replica after a generation's terminal write. */
const SETTLE_TIMEOUT_MS = 200;

/** The running index's member of a generation. */
const member = (userId: string, messageId: string) => `${userId}\n${messageId}`;

/** What the scripts put before a conversation or message id to name a user's keys. */
const prefixes = (c: Ctx, userId: string) => {
  const p = c.keys.scriptPrefixes(userId);
  return [p.conversation, p.turnsSuffix, p.generation] as const;
};

type StartInput = {
  userId: string;
  messageId: string;
  conversationId: string;
  sendingFrame: string;
  maxRunning: number;
  deadlineMs: number;
  /** The question, so a device that comes online sees what a running answer answers. */
  question?: string;
};

/**
 * Registers a new generation with its `sending` frame (seq 1) and publishes that frame, unless
 * the user already runs `maxRunning` generations. The reaper's index entry is written first, by
 * a command of its own (its bucket is another slot): a generation is never running unindexed,
 * and an entry whose generation never started is dropped by the reaper as any ended one.
 */
const start = async ({ r, keys, opts }: Ctx, g: StartInput): Promise<StartResult> => {
  const now = Date.now();
  const running = keys.runningGenerations(g.userId);
  await r.zadd(running, now + g.deadlineMs, member(g.userId, g.messageId));
  const res = await r.awGenStart(
    keys.generationMeta(g.userId, g.messageId), keys.generationFrames(g.userId, g.messageId), keys.userGenerations(g.userId),
    keys.conversationTurns(g.userId, g.conversationId),
    now, now + g.deadlineMs, g.maxRunning, g.messageId, g.conversationId,
    g.sendingFrame, keys.userChannel(g.userId), opts.maxFrames, opts.retentionMs, g.question ?? '',
  );
  if (res === 0) await r.zrem(running, member(g.userId, g.messageId));
  return res === 1 ? 'started' : res === 0 ? 'too_many' : 'exists';
};

const CLAIM_RESULTS = { [-1]: 'gone', [-2]: 'over', [-3]: 'not_owner', [-4]: 'not_its_turn' } as const;

/** Takes ownership for `owner` (only from `expectedOwner` unless ''); `inTurn`: only if no earlier question of the conversation is unanswered. */
const claim = async (c: Ctx, g: { userId: string; messageId: string }, owner: string, expectedOwner: string, inTurn: boolean): Promise<ClaimResult> => {
  const res = await c.r.awGenClaim(c.keys.generationMeta(g.userId, g.messageId), owner, expectedOwner, g.messageId, ...prefixes(c, g.userId), inTurn ? '1' : '');
  return res >= 0 ? res : CLAIM_RESULTS[res as -1 | -2 | -3 | -4];
};

type AppendInput = { userId: string; messageId: string; owner: string; seq: number; frame: string | readonly string[]; status?: string };

/**
 * Appends frame `seq` (already serialised with that seq), or the frames `seq`, `seq`+1, …, if
 * `owner` still owns the generation; `status` belongs to the last frame.
 */
const append = async (c: Ctx, a: AppendInput): Promise<AppendResult> => {
  const { r, keys, opts } = c;
  const meta = keys.generationMeta(a.userId, a.messageId);
  const frames = keys.generationFrames(a.userId, a.messageId);
  const list = typeof a.frame === 'string' ? [a.frame] : a.frame;
  const common = [a.owner, a.seq, keys.userChannel(a.userId), opts.maxFrames, opts.retentionMs, list.length, ...list] as const;
  const res =
    a.status === undefined
      ? await r.awGenAppendFrames(meta, frames, ...common)
      : await r.awGenAppendStatus(meta, frames, keys.userGenerations(a.userId), ...common, a.status, a.messageId, ...prefixes(c, a.userId));
  if (Array.isArray(res)) {
    // Ended: out of the reaper's index (best effort: the reaper drops an ended generation's entry itself).
    void r.zrem(keys.runningGenerations(a.userId), member(a.userId, a.messageId)).catch(() => {});
    // Its turn is over: the next question of the conversation may run now (its waiting job also looks again by itself).
    if (res[1] && opts.nextTurn) void opts.nextTurn(a.userId, res[1]).catch(() => {});
  }
  return res === -1 ? 'fenced' : res === -2 ? 'out_of_order' : 'ok';
};

const readMeta = async ({ r, keys }: Ctx, userId: string, messageId: string): Promise<GenerationMeta | null> => {
  const h = await r.hgetall(keys.generationMeta(userId, messageId));
  if (!h.status) return null;
  // Written only by the scripts here, with the protocol's statuses.
  const status = h.status as GenerationStatus;
  return { status, seq: Number(h.seq), conversationId: h.conversation_id ?? '', owner: h.owner ?? '', question: h.question || null };
};

/** The user's unfinished generations (at most `limit`), in the order they were accepted, with their meta. */
const running = async (c: Ctx, userId: string, limit: number): Promise<{ messageId: string; meta: GenerationMeta }[]> => {
  const ids = await c.r.zrange(c.keys.userGenerations(userId), '0', String(limit - 1));
  const found = await Promise.all(ids.map(async (messageId) => ({ messageId, meta: await readMeta(c, userId, messageId) })));
  return found.filter((g): g is { messageId: string; meta: GenerationMeta } => g.meta !== null && !isTerminalStatus(g.meta.status));
};

/** The stored frames with seq > afterSeq, in order (serialised, ready to send). */
const framesAfter = async ({ r, keys }: Ctx, userId: string, messageId: string, afterSeq: number): Promise<{ seq: number; frame: string }[]> => {
  const entries = await r.xrange(keys.generationFrames(userId, messageId), `${afterSeq + 1}-0`, '+');
  return entries.map(([id, fields]) => ({ seq: Number(id.split('-')[0]), frame: fields[1] ?? '' }));
};

/** Unfinished generations whose deadline passed before `before` (ms epoch): up to `limit` from each bucket of the index. */
const overdue = async ({ r, keys }: Ctx, before: number, limit: number): Promise<{ userId: string; messageId: string }[]> => {
  const buckets = await Promise.all(keys.runningGenerationBuckets.map((key) => r.zrangebyscore(key, '-inf', before, 'LIMIT', 0, limit)));
  return buckets.flat().map((m) => {
    const [userId = '', messageId = ''] = m.split('\n');
    return { userId, messageId };
  });
};

/**
 * Marks the generation as cancelled-by-user, then tells every worker; the one running it stops.
 * The flag comes first: a worker that misses the message still finds it when it claims or checks.
 */
const requestCancel = async ({ r, keys, opts }: Ctx, userId: string, messageId: string): Promise<void> => {
  await r.set(keys.generationCancel(userId, messageId), '1', 'PX', opts.retentionMs);
  await r.publish(keys.cancelChannel, JSON.stringify({ userId, messageId }));
};

export const createGenerationStore = (redis: RedisClient, keys: Keys, opts: GenerationStoreOptions) => {
  const c: Ctx = { r: withScripts(redis), keys, opts };
  return {
    start: (g: StartInput) => start(c, g),
    /** The last seq written, or null if the generation is gone, over, or owned by someone else. */
    claim: async (userId: string, messageId: string, owner: string, expectedOwner = ''): Promise<number | null> => {
      const res = await claim(c, { userId, messageId }, owner, expectedOwner, false);
      return typeof res === 'number' ? res : null;
    },
    /** A worker's claim: 'not_its_turn' while an earlier question of the conversation is unanswered (the job waits). */
    claimTurn: (userId: string, messageId: string, owner: string) => claim(c, { userId, messageId }, owner, '', true),
    append: (a: AppendInput) => append(c, a),
    requestCancel: (userId: string, messageId: string) => requestCancel(c, userId, messageId),
    cancelRequested: async (userId: string, messageId: string) => (await redis.exists(keys.generationCancel(userId, messageId))) === 1,
    overdue: (before: number, limit = 100) => overdue(c, before, limit),
    /** Drops an entry of the running index whose generation no longer exists. */
    forget: async (userId: string, messageId: string): Promise<void> => void (await redis.zrem(keys.runningGenerations(userId), member(userId, messageId))),
    meta: (userId: string, messageId: string) => readMeta(c, userId, messageId),
    /**
     * After a generation's last write: waits (briefly) until a replica has it, so a primary's death
     * right after cannot take the end of an answer along (a cluster only; null elsewhere).
     */
    settle: (userId: string, messageId: string): Promise<number | null> => waitForReplica(redis, keys.generationMeta(userId, messageId), SETTLE_TIMEOUT_MS),
    running: (userId: string, limit: number) => running(c, userId, limit),
    framesAfter: (userId: string, messageId: string, afterSeq: number) => framesAfter(c, userId, messageId, afterSeq),
  };
};
