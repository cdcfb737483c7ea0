import { terminalStatuses } from '@aurawell/protocol';

/**
 * The Lua scripts of the generation store. Each runs atomically in one round trip; their keys
 * and arguments are documented beside each and built only in `store.ts`.
 */

/** The protocol's terminal statuses as a Lua set, so the scripts and the code cannot disagree. */
const TERMINAL_TABLE = `local TERMINAL = { ${[...terminalStatuses].map((s) => `['${s}'] = true`).join(', ')} }`;

/**
 * Registers a generation with its first frame. KEYS: meta, frames, user generations, conversation
 * turns (all in the user's slot). ARGV: now, deadline, max running, message id, conversation id,
 * frame, channel, max frames, retention (ms), question. The frame goes out on the user's shard
 * channel (SPUBLISH: same slot, so on a cluster it reaches only that shard's subscribers).
 */
export const START = `
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[3]) then return 0 end
if redis.call('EXISTS', KEYS[1]) == 1 then return -3 end
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[9])
redis.call('HSET', KEYS[1], 'owner', 'queued', 'seq', 1, 'status', 'sending', 'conversation_id', ARGV[5], 'created_at', ARGV[1], 'question', ARGV[10])
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[8], '1-0', 'f', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[9])
redis.call('PEXPIRE', KEYS[2], ARGV[9])
local last = redis.call('ZREVRANGE', KEYS[4], 0, 0, 'WITHSCORES')
local order = tonumber(ARGV[1])
if last[2] and tonumber(last[2]) >= order then order = tonumber(last[2]) + 1 end
redis.call('ZADD', KEYS[4], order, ARGV[4])
redis.call('PEXPIRE', KEYS[4], ARGV[9])
redis.call('SPUBLISH', ARGV[7], ARGV[6])
return 1`;

/**
 * The first unfinished generation of a conversation's turns (entries that ended or expired
 * without being removed are dropped on the way). Keys named from the user's prefixes: the
 * generation's hash tag keeps them in its slot.
 */
const TURN_HEAD = `${TERMINAL_TABLE}
local function turnHead(turns, genPrefix)
  while true do
    local head = redis.call('ZRANGE', turns, 0, 0)[1]
    if not head then return nil end
    local st = redis.call('HGET', genPrefix .. head, 'status')
    if st and not TERMINAL[st] then return head end
    redis.call('ZREM', turns, head)
  end
end
`;

/** How often (in frames) an append renews the generation's retention between status frames. */
export const TTL_REFRESH_FRAMES = 32;

/** ARGV: owner, expected owner ('' = any), message id, conversation prefix, turns suffix, generation prefix, '1' to wait for its turn. */
export const CLAIM = `${TURN_HEAD}
local m = redis.call('HMGET', KEYS[1], 'status', 'seq', 'owner', 'conversation_id')
if not m[1] then return -1 end
if TERMINAL[m[1]] then return -2 end
if ARGV[2] ~= '' and m[3] ~= ARGV[2] then return -3 end
if ARGV[7] == '1' and m[4] then
  local head = turnHead(ARGV[4] .. m[4] .. ARGV[5], ARGV[6])
  if head and head ~= ARGV[3] then return -4 end
end
redis.call('HSET', KEYS[1], 'owner', ARGV[1])
return tonumber(m[2])`;

/**
 * Appends n consecutive frames (n is 1 unless frames queued while the previous write was under
 * way). KEYS: meta, frames, plus user generations when the last frame carries a status.
 * ARGV: owner, first seq, channel, max frames, retention (ms), n, the n frames, then with a status:
 * status, message id, conversation prefix, turns suffix, generation prefix.
 * All or nothing: one script is atomic. A terminal status ends the generation's turn in its
 * conversation and returns {seq, the next turn's message id or ''}.
 * The keys' retention is renewed by every status frame and once every TTL_REFRESH_FRAMES frames,
 * not by every token: two PEXPIREs were a third of the script's calls per token.
 */
export const APPEND = `${TURN_HEAD}
local m = redis.call('HMGET', KEYS[1], 'owner', 'seq', 'conversation_id')
if m[1] ~= ARGV[1] then return -1 end
local seq = tonumber(ARGV[2])
if seq ~= tonumber(m[2]) + 1 then return -2 end
local n = tonumber(ARGV[6])
for i = 7, 6 + n do
  redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[4], seq .. '-0', 'f', ARGV[i])
  redis.call('SPUBLISH', ARGV[3], ARGV[i])
  seq = seq + 1
end
seq = seq - 1
local status = ARGV[7 + n]
if (status and status ~= '') or math.floor(seq / ${TTL_REFRESH_FRAMES}) ~= math.floor((tonumber(ARGV[2]) - 1) / ${TTL_REFRESH_FRAMES}) then
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
end
if TERMINAL[status] then
  redis.call('HSET', KEYS[1], 'seq', seq, 'status', status, 'owner', '')
  redis.call('ZREM', KEYS[3], ARGV[8 + n])
  if not m[3] then return {seq, ''} end
  local turns = ARGV[9 + n] .. m[3] .. ARGV[10 + n]
  redis.call('ZREM', turns, ARGV[8 + n])
  return {seq, turnHead(turns, ARGV[11 + n]) or ''}
elseif status and status ~= '' then
  redis.call('HSET', KEYS[1], 'seq', seq, 'status', status)
else
  redis.call('HSET', KEYS[1], 'seq', seq)
end
return seq`;
