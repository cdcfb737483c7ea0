import type { Redis } from 'ioredis';
import type { Keys } from './keys';

/**
 * The Redis side of a generation: a hash (status, last seq, owner), a stream of its frames
 * (entry id `<seq>-0`, for replay) and the user's set of running generations.
 *
 * Every write is one Lua script, so one round trip: it checks that the writer still owns the
 * generation (fencing a stale worker attempt out) and that `seq` follows the last one (no gap,
 * no repeat), appends the frame to the stream, refreshes expiry and publishes the frame to the
 * user's channel, all atomically.
 */

const START = `
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[3]) then return 0 end
if redis.call('EXISTS', KEYS[1]) == 1 then return -3 end
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[9])
redis.call('HSET', KEYS[1], 'owner', 'queued', 'seq', 1, 'status', 'sending', 'conversation_id', ARGV[5], 'created_at', ARGV[1], 'question', ARGV[11])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[8], '1-0', 'f', ARGV[6])
redis.call('ZADD', KEYS[4], ARGV[2], ARGV[10])
redis.call('PEXPIRE', KEYS[1], ARGV[9])
redis.call('PEXPIRE', KEYS[2], ARGV[9])
local last = redis.call('ZREVRANGE', KEYS[5], 0, 0, 'WITHSCORES')
local order = tonumber(ARGV[1])
if last[2] and tonumber(last[2]) >= order then order = tonumber(last[2]) + 1 end
redis.call('ZADD', KEYS[5], order, ARGV[4])
redis.call('PEXPIRE', KEYS[5], ARGV[9])
redis.call('PUBLISH', ARGV[7], ARGV[6])
return 1`;

/**
 * The first unfinished generation of a conversation's turns (entries that ended or expired
 * without being removed are dropped on the way). Keys named from the user's prefixes: the
 * generation's hash tag keeps them in its slot.
 */
const TURN_HEAD = `
local function turnHead(turns, genPrefix)
  while true do
    local head = redis.call('ZRANGE', turns, 0, 0)[1]
    if not head then return nil end
    local st = redis.call('HGET', genPrefix .. head, 'status')
    if st and st ~= 'done' and st ~= 'error' and st ~= 'cancelled' then return head end
    redis.call('ZREM', turns, head)
  end
end
`;

/** ARGV: owner, expected owner ('' = any), message id, conversation prefix, turns suffix, generation prefix, '1' to wait for its turn. */
const CLAIM = `${TURN_HEAD}
local m = redis.call('HMGET', KEYS[1], 'status', 'seq', 'owner', 'conversation_id')
if not m[1] then return -1 end
if m[1] == 'done' or m[1] == 'error' or m[1] == 'cancelled' then return -2 end
if ARGV[2] ~= '' and m[3] ~= ARGV[2] then return -3 end
if ARGV[7] == '1' and m[4] then
  local head = turnHead(ARGV[4] .. m[4] .. ARGV[5], ARGV[6])
  if head and head ~= ARGV[3] then return -4 end
end
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
return tonumber(m[2])`;

/**
 * Appends n consecutive frames (n is 1 unless frames queued while the previous write was under
 * way). KEYS: meta, frames, plus user generations, running when the last frame carries a status.
 * ARGV: owner, first seq, channel, max frames, retention (ms), n, the n frames, then with a status:
 * status, message id, running member, conversation prefix, turns suffix, generation prefix.
 * All or nothing: one script is atomic. A terminal status ends the generation's turn in its
 * conversation and returns {seq, the next turn's message id or ''}.
 */
const APPEND = `${TURN_HEAD}
local m = redis.call('HMGET', KEYS[1], 'owner', 'seq', 'conversation_id')
if m[1] ~= ARGV[1] then return -1 end
local seq = tonumber(ARGV[2])
if seq ~= tonumber(m[2]) + 1 then return -2 end
local n = tonumber(ARGV[6])
for i = 7, 6 + n do
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], seq .. '-0', 'f', ARGV[i])
  redis.call('PUBLISH', ARGV[3], ARGV[i])
  seq = seq + 1
end
seq = seq - 1
local status = ARGV[7 + n]
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
if status == 'done' or status == 'error' or status == 'cancelled' then
  redis.call('HSET', KEYS[1], 'seq', seq, 'status', status, 'owner', '')
  redis.call('ZREM', KEYS[3], ARGV[8 + n])
  redis.call('ZREM', KEYS[4], ARGV[9 + n])
  if not m[3] then return {seq, ''} end
  local turns = ARGV[10 + n] .. m[3] .. ARGV[11 + n]
  redis.call('ZREM', turns, ARGV[8 + n])
  return {seq, turnHead(turns, ARGV[12 + n]) or ''}
elseif status and status ~= '' then
  redis.call('HSET', KEYS[1], 'seq', seq, 'status', status)
else
  redis.call('HSET', KEYS[1], 'seq', seq)
end
return seq`;

type Scripts = {
  awGenStart(...args: (string | number)[]): Promise<number>;
  awGenClaim(...args: (string | number)[]): Promise<number>;
  awGenAppend(...args: (string | number)[]): Promise<number | [number, string]>;
};

const withScripts = (redis: Redis): Redis & Scripts => {
  const r = redis as Redis & Partial<Scripts>;
  if (!r.awGenStart) {
    redis.defineCommand('awGenStart', { numberOfKeys: 5, lua: START });
    redis.defineCommand('awGenClaim', { numberOfKeys: 1, lua: CLAIM });
    // The number of keys is the first argument: 2 for a token frame, 4 for a status frame.
    redis.defineCommand('awGenAppend', { lua: APPEND });
  }
  return r as Redis & Scripts;
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
export type GenerationMeta = { status: string; seq: number; conversationId: string; owner: string; question: string | null };

export type GenerationStore = ReturnType<typeof createGenerationStore>;

export const createGenerationStore = (redis: Redis, keys: Keys, opts: GenerationStoreOptions) => {
  const r = withScripts(redis);
  const genKeys = (userId: string, messageId: string) =>
    [keys.generationMeta(userId, messageId), keys.generationFrames(userId, messageId), keys.userGenerations(userId), keys.runningGenerations] as const;
  const member = (userId: string, messageId: string) => `${userId}\n${messageId}`;
  const prefixes = (userId: string) => {
    const p = keys.scriptPrefixes(userId);
    return [p.conversation, p.turnsSuffix, p.generation] as const;
  };
  const CLAIM_RESULTS = { [-1]: 'gone', [-2]: 'over', [-3]: 'not_owner', [-4]: 'not_its_turn' } as const;
  const claimAs = async (userId: string, messageId: string, owner: string, expectedOwner: string, inTurn: boolean): Promise<ClaimResult> => {
    const res = await r.awGenClaim(keys.generationMeta(userId, messageId), owner, expectedOwner, messageId, ...prefixes(userId), inTurn ? '1' : '');
    return res >= 0 ? res : CLAIM_RESULTS[res as -1 | -2 | -3 | -4];
  };
  /** Lets the next question of the conversation run; best effort (the waiting job also polls). */
  const passTurn = (userId: string, next: string) => {
    if (next && opts.nextTurn) void opts.nextTurn(userId, next).catch(() => {});
  };

  return {
    /**
     * Registers a new generation with its `sending` frame (seq 1) and publishes that frame,
     * unless the user already runs `maxRunning` generations.
     */
    async start(g: {
      userId: string;
      messageId: string;
      conversationId: string;
      sendingFrame: string;
      maxRunning: number;
      deadlineMs: number;
      /** The question, so a device that comes online sees what a running answer answers. */
      question?: string;
    }): Promise<StartResult> {
      const now = Date.now();
      const res = await r.awGenStart(
        ...genKeys(g.userId, g.messageId),
        keys.conversationTurns(g.userId, g.conversationId),
        now, now + g.deadlineMs, g.maxRunning, g.messageId, g.conversationId,
        g.sendingFrame, keys.userChannel(g.userId), opts.maxFrames, opts.retentionMs, member(g.userId, g.messageId), g.question ?? '',
      );
      return res === 1 ? 'started' : res === 0 ? 'too_many' : 'exists';
    },

    /**
     * Takes ownership for `owner` (only from `expectedOwner` when given); returns the last seq
     * written, or null if the generation is gone, over, or owned by someone else.
     */
    async claim(userId: string, messageId: string, owner: string, expectedOwner = ''): Promise<number | null> {
      const res = await claimAs(userId, messageId, owner, expectedOwner, false);
      return typeof res === 'number' ? res : null;
    },

    /**
     * A worker's claim: as `claim`, but only when no earlier question of the same conversation
     * is still unanswered ('not_its_turn': the job waits and looks again).
     */
    claimTurn(userId: string, messageId: string, owner: string): Promise<ClaimResult> {
      return claimAs(userId, messageId, owner, '', true);
    },

    /** Marks the generation as cancelled-by-user and tells every worker; the one running it stops. */
    async requestCancel(userId: string, messageId: string): Promise<void> {
      await redis
        .multi()
        .set(keys.generationCancel(userId, messageId), '1', 'PX', opts.retentionMs)
        .publish(keys.cancelChannel, JSON.stringify({ userId, messageId }))
        .exec();
    },

    async cancelRequested(userId: string, messageId: string): Promise<boolean> {
      return (await redis.exists(keys.generationCancel(userId, messageId))) === 1;
    },

    /**
     * Appends frame `seq` (already serialised with that seq), or the frames `seq`, `seq`+1, …, if
     * `owner` still owns the generation; `status` belongs to the last frame.
     */
    async append(a: {
      userId: string;
      messageId: string;
      owner: string;
      seq: number;
      frame: string | readonly string[];
      status?: string;
    }): Promise<AppendResult> {
      const meta = keys.generationMeta(a.userId, a.messageId);
      const frames = keys.generationFrames(a.userId, a.messageId);
      const list = typeof a.frame === 'string' ? [a.frame] : a.frame;
      const common = [a.owner, a.seq, keys.userChannel(a.userId), opts.maxFrames, opts.retentionMs, list.length, ...list] as const;
      const res =
        a.status === undefined
          ? await r.awGenAppend(2, meta, frames, ...common)
          : await r.awGenAppend(
              4, meta, frames, keys.userGenerations(a.userId), keys.runningGenerations,
              ...common, a.status, a.messageId, member(a.userId, a.messageId), ...prefixes(a.userId),
            );
      if (Array.isArray(res)) passTurn(a.userId, res[1]);
      return res === -1 ? 'fenced' : res === -2 ? 'out_of_order' : 'ok';
    },

    /** Unfinished generations whose deadline passed before `before` (ms epoch), oldest first. */
    async overdue(before: number, limit = 100): Promise<{ userId: string; messageId: string }[]> {
      const members = await redis.zrangebyscore(keys.runningGenerations, '-inf', before, 'LIMIT', 0, limit);
      return members.map((m) => {
        const [userId = '', messageId = ''] = m.split('\n');
        return { userId, messageId };
      });
    },

    /** Drops an entry of the running index whose generation no longer exists. */
    async forget(userId: string, messageId: string): Promise<void> {
      await redis.zrem(keys.runningGenerations, member(userId, messageId));
    },

    async meta(userId: string, messageId: string): Promise<GenerationMeta | null> {
      const h = await redis.hgetall(keys.generationMeta(userId, messageId));
      if (!h.status) return null;
      return { status: h.status, seq: Number(h.seq), conversationId: h.conversation_id ?? '', owner: h.owner ?? '', question: h.question || null };
    },

    /** The stored frames with seq > afterSeq, in order (serialised, ready to send). */
    async framesAfter(userId: string, messageId: string, afterSeq: number): Promise<{ seq: number; frame: string }[]> {
      const entries = await redis.xrange(keys.generationFrames(userId, messageId), `${afterSeq + 1}-0`, '+');
      return entries.map(([id, fields]) => ({ seq: Number(id.split('-')[0]), frame: fields[1] ?? '' }));
    },
  };
};
