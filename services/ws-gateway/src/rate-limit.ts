import type { Keys, Logger, RedisClient } from '@aurawell/platform';

/**
 * Token bucket of one user, refilled continuously at ARGV[1] tokens per second up to ARGV[2].
 * The clock is Redis' own (TIME), not the gateway's, so replicas with skewed clocks share one
 * consistent bucket. Returns 1 when a token was taken, 0 when the user is over the limit.
 */
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(b[1]) or burst
local ts = tonumber(b[2]) or now
if now > ts then tokens = math.min(burst, tokens + (now - ts) * rate / 1000) end
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(math.max(now, ts)))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return taken`;

type WithTake = RedisClient & { awRateTake(key: string, rate: number, burst: number, ttlMs: number): Promise<number> };

export type RateLimitSettings = { perSecond: number; burst: number };

export type RateLimiter = {
  /** Takes one token of the user's bucket: true if the frame may be handled. One Redis round trip. */
  allow(userId: string): Promise<boolean>;
};

/**
 * The per-user frame limit, enforced across every gateway replica in Redis.
 *
 * It fails OPEN: when Redis cannot be reached the frame is let through (logged and counted),
 * because refusing every user during a Redis outage would do more harm than an unthrottled
 * client, and whatever the frame asks for needs Redis anyway and fails on its own.
 */
export const createRateLimiter = (
  redis: RedisClient,
  keys: Keys,
  settings: RateLimitSettings,
  opts: { logger: Logger; onFailOpen?: () => void },
): RateLimiter => {
  const r = redis as WithTake;
  if (!r.awRateTake) redis.defineCommand('awRateTake', { numberOfKeys: 1, lua: TAKE });
  // A bucket untouched for this long is full again, so it can expire instead of lingering.
  const ttlMs = Math.ceil((settings.burst / settings.perSecond) * 1000) + 1000;
  let lastLogged = 0;
  const failOpen = (reason: string): true => {
    opts.onFailOpen?.();
    if (Date.now() - lastLogged > 5000) {
      lastLogged = Date.now();
      opts.logger.warn({ reason }, 'rate limiter unavailable; letting frames through');
    }
    return true;
  };

  return {
    async allow(userId) {
      // While reconnecting, ioredis would queue the call; a user's ping must not wait for that.
      if (redis.status !== 'ready') return failOpen(`redis ${redis.status}`);
      try {
        return (await r.awRateTake(keys.userRateLimit(userId), settings.perSecond, settings.burst, ttlMs)) === 1;
      } catch (err) {
        return failOpen(err instanceof Error ? err.message : String(err));
      }
    },
  };
};
