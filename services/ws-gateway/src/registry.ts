import type { Keys, Redis } from '@aurawell/platform';

/**
 * Admits a connection only while the user has fewer than `limit` live registrations across
 * every gateway, atomically. Expired registrations are dropped first; at the limit, so are those
 * of gateways whose liveness key is gone (a gateway that crashed a few seconds ago), so a user
 * who reconnects all devices after a crash is not locked out until the registrations expire.
 * (The liveness check reads keys outside KEYS: fine on one Redis; on a cluster it needs the
 * gateway keys under the user's hash tag.)
 */
const REGISTER = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local limit = tonumber(ARGV[3])
if redis.call('ZCARD', KEYS[1]) >= limit then
  for _, conn in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
    local gw = redis.call('HGET', ARGV[8] .. conn, 'gateway')
    if (not gw) or redis.call('EXISTS', ARGV[9] .. gw) == 0 then
      redis.call('ZREM', KEYS[1], conn)
      redis.call('DEL', ARGV[8] .. conn)
    end
  end
  if redis.call('ZCARD', KEYS[1]) >= limit then return 0 end
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('HSET', KEYS[2], 'gateway', ARGV[5], 'user', ARGV[6], 'connected_at', ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
return 1`;

type WithRegister = Redis & { awRegisterConn(...args: (string | number)[]): Promise<number> };

export type RegisteredConnection = { userId: string; connectionId: string };

/** The cluster-wide record of who is connected where, with expiry so ghosts disappear. */
export const createConnectionRegistry = (redis: Redis, keys: Keys, opts: { gatewayId: string; ttlMs: number; gatewayTtlMs: number }) => {
  const r = redis as WithRegister;
  if (!r.awRegisterConn) redis.defineCommand('awRegisterConn', { numberOfKeys: 2, lua: REGISTER });

  return {
    /** True if admitted, false if the user is at the limit. */
    async register(c: RegisteredConnection, limit: number): Promise<boolean> {
      const now = Date.now();
      const res = await r.awRegisterConn(
        keys.userConnections(c.userId), keys.connection(c.userId, c.connectionId),
        now, now + opts.ttlMs, limit, c.connectionId, opts.gatewayId, c.userId, opts.ttlMs,
        keys.connection(c.userId, ''), keys.gateway(''),
      );
      return res === 1;
    },

    async unregister(c: RegisteredConnection): Promise<void> {
      await redis.multi().zrem(keys.userConnections(c.userId), c.connectionId).del(keys.connection(c.userId, c.connectionId)).exec();
    },

    /** Extends every registration of this gateway (one pipeline), and the gateway's own liveness key. */
    async refresh(connections: Iterable<RegisteredConnection>): Promise<void> {
      const expiry = Date.now() + opts.ttlMs;
      const p = redis.pipeline();
      for (const c of connections) {
        p.zadd(keys.userConnections(c.userId), 'XX', expiry, c.connectionId);
        p.pexpire(keys.userConnections(c.userId), opts.ttlMs);
        p.pexpire(keys.connection(c.userId, c.connectionId), opts.ttlMs);
      }
      await p.exec();
    },

    /** This gateway's liveness key, refreshed often: its absence marks its registrations as ghosts. */
    async heartbeat(): Promise<void> {
      await redis.set(keys.gateway(opts.gatewayId), String(Date.now()), 'PX', opts.gatewayTtlMs);
    },

    /** Said on a clean shutdown, so no one waits for the key to expire. */
    async retire(): Promise<void> {
      await redis.del(keys.gateway(opts.gatewayId));
    },

    async countForUser(userId: string): Promise<number> {
      return redis.zcount(keys.userConnections(userId), Date.now(), '+inf');
    },
  };
};
export type ConnectionRegistry = ReturnType<typeof createConnectionRegistry>;
