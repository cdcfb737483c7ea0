import type { Keys, Redis } from '@aurawell/platform';

/**
 * Admits a connection only while the user has fewer than `limit` live registrations across
 * every gateway (expired ones, left by a crashed gateway, are dropped first), atomically.
 */
const REGISTER = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
redis.call('HSET', KEYS[2], 'gateway', ARGV[5], 'user', ARGV[6], 'connected_at', ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[7])
return 1`;

type WithRegister = Redis & { awRegisterConn(...args: (string | number)[]): Promise<number> };

export type RegisteredConnection = { userId: string; connectionId: string };

/** The cluster-wide record of who is connected where, with expiry so ghosts disappear. */
export const createConnectionRegistry = (redis: Redis, keys: Keys, opts: { gatewayId: string; ttlMs: number }) => {
  const r = redis as WithRegister;
  if (!r.awRegisterConn) redis.defineCommand('awRegisterConn', { numberOfKeys: 2, lua: REGISTER });

  return {
    /** True if admitted, false if the user is at the limit. */
    async register(c: RegisteredConnection, limit: number): Promise<boolean> {
      const now = Date.now();
      const res = await r.awRegisterConn(
        keys.userConnections(c.userId), keys.connection(c.userId, c.connectionId),
        now, now + opts.ttlMs, limit, c.connectionId, opts.gatewayId, c.userId, opts.ttlMs,
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
      p.set(keys.gateway(opts.gatewayId), String(Date.now()), 'PX', opts.ttlMs);
      await p.exec();
    },

    async countForUser(userId: string): Promise<number> {
      return redis.zcount(keys.userConnections(userId), Date.now(), '+inf');
    },
  };
};
export type ConnectionRegistry = ReturnType<typeof createConnectionRegistry>;
