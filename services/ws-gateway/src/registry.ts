import { isCluster, type Keys, type RedisClient } from '@aurawell/platform';

/**
 * Admits a connection only while the user has fewer than `limit` live registrations across
 * every gateway, atomically. A registration is one member `<gatewayId>:<connectionId>` of the
 * user's sorted set, scored with its expiry; expired ones are dropped first. The script touches
 * the user's key alone (one slot on a cluster); registrations of dead gateways are found outside
 * it (`dropDeadGateways`) when the user is at the limit.
 */
const REGISTER = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

/**
 * Extends the registrations of several users on one gateway: KEYS are the users' sets; ARGV is
 * expiry, ttl, the gateway id, then for each key the count of its connection ids and the ids.
 * XX: a connection closed meanwhile is not revived. Several users' keys in one call on a standalone
 * Redis; one user per call on a cluster (a script's keys must share a slot).
 */
const REFRESH = `
local expiry, ttl, gw = ARGV[1], ARGV[2], ARGV[3]
local a = 4
for _, key in ipairs(KEYS) do
  local n = tonumber(ARGV[a])
  local args = {'XX'}
  for j = 1, n do
    args[2 * j] = expiry
    args[2 * j + 1] = gw .. ':' .. ARGV[a + j]
  end
  a = a + n + 1
  redis.call('ZADD', key, unpack(args))
  redis.call('PEXPIRE', key, ttl)
end
return #KEYS`;

/** How long a look at which gateways are connected to Redis is reused (it lists every client). */
const LIVE_GATEWAYS_CACHE_MS = 1000;

/**
 * The gateways whose command connection Redis holds right now (its client name is the gateway's
 * liveness key). A gateway process that dies loses its connections at once, long before its
 * liveness key lapses: this is how the fleet knows first. On a cluster, the union over the
 * primaries: a live gateway always holds one (its heartbeat's), a dead one none. Null when Redis
 * does not say (CLIENT LIST refused, e.g. by an ACL): then only the liveness keys count.
 */
const liveGatewaysOf = async (redis: RedisClient, keys: Keys): Promise<Set<string> | null> => {
  try {
    const servers: Pick<RedisClient, 'call'>[] = isCluster(redis) ? redis.nodes('master') : [redis];
    const lists = await Promise.all(servers.map((s) => s.call('CLIENT', 'LIST', 'TYPE', 'normal') as Promise<string>));
    const prefix = keys.gateway('');
    const names = lists.flatMap((list) => [...list.matchAll(/ name=(\S+)/g)].map((m) => m[1]!)).filter((n) => n.startsWith(prefix));
    return new Set(names.map((n) => n.slice(prefix.length)));
  } catch {
    return null;
  }
};

type Args = (string | number)[];
type WithScripts = RedisClient & { awRegisterConn(...args: Args): Promise<number>; awRefreshConns(...args: Args): Promise<number>; awRefreshConn(...args: Args): Promise<number> };

export type RegisteredConnection = { userId: string; connectionId: string };

/** Users per refresh call: bounds the refresh's transient memory and each burst of Redis work. */
export const REFRESH_CHUNK_USERS = 500;

/** The cluster-wide record of who is connected where, with expiry so ghosts disappear. */
export const createConnectionRegistry = (redis: RedisClient, keys: Keys, opts: { gatewayId: string; ttlMs: number; gatewayTtlMs: number }) => {
  const r = redis as WithScripts;
  if (!r.awRegisterConn) redis.defineCommand('awRegisterConn', { numberOfKeys: 1, lua: REGISTER });
  if (!r.awRefreshConns) redis.defineCommand('awRefreshConns', { lua: REFRESH });
  // One user's key, declared: a cluster client routes it by that key (see the store's append).
  if (!r.awRefreshConn) redis.defineCommand('awRefreshConn', { numberOfKeys: 1, lua: REFRESH });
  const member = (connectionId: string) => `${opts.gatewayId}:${connectionId}`;

  /** Per user, one ZADD XX of all its connections here and one PEXPIRE: one script call (one per user on a cluster). */
  const refreshUsers = async (byUser: Map<string, string[]>): Promise<void> => {
    const head: Args = [Date.now() + opts.ttlMs, opts.ttlMs, opts.gatewayId];
    if (isCluster(redis)) {
      await Promise.all([...byUser].map(([userId, ids]) => r.awRefreshConn(keys.userConnections(userId), ...head, ids.length, ...ids)));
      return;
    }
    const userKeys: string[] = [];
    const args: Args = [...head];
    for (const [userId, ids] of byUser) {
      userKeys.push(keys.userConnections(userId));
      args.push(ids.length, ...ids);
    }
    await r.awRefreshConns(userKeys.length, ...userKeys, ...args);
  };

  let live: { at: number; gateways: Promise<Set<string> | null> } | null = null;
  const liveGateways = () => {
    if (!live || Date.now() - live.at > LIVE_GATEWAYS_CACHE_MS) live = { at: Date.now(), gateways: liveGatewaysOf(redis, keys) };
    return live.gateways;
  };

  /**
   * Drops the user's registrations held by gateways that are gone: their liveness key lapsed or was
   * retired, or their connection to Redis (every primary of a cluster) is gone. A concurrent connect of the
   * same user may have removed them first.
   */
  const dropDeadGateways = async (userId: string): Promise<void> => {
    const members = await redis.zrange(keys.userConnections(userId), '0', '-1');
    const gatewayOf = (m: string) => m.slice(0, Math.max(0, m.lastIndexOf(':')));
    const ids = [...new Set(members.map(gatewayOf))];
    const [connected, alive] = await Promise.all([liveGateways(), Promise.all(ids.map(async (id) => id !== '' && (await redis.exists(keys.gateway(id))) === 1))]);
    const live = new Set(ids.filter((id, i) => alive[i] && (!connected || connected.has(id))));
    const dead = members.filter((m) => !live.has(gatewayOf(m)));
    if (dead.length > 0) await redis.zrem(keys.userConnections(userId), ...dead);
  };

  const tryRegister = async (c: RegisteredConnection, limit: number): Promise<boolean> => {
    const now = Date.now();
    const res = await r.awRegisterConn(keys.userConnections(c.userId), now, now + opts.ttlMs, limit, member(c.connectionId), opts.ttlMs);
    return res === 1;
  };

  return {
    /**
     * True if admitted, false if the user is at the limit. At the limit, registrations of
     * gateways that died (and whose liveness key has not lapsed yet) are dropped and it tries
     * once more: a user whose devices were on a crashed gateway gets back in at once.
     */
    async register(c: RegisteredConnection, limit: number): Promise<boolean> {
      if (await tryRegister(c, limit)) return true;
      // Tried again even when a concurrent connect of the same user dropped the dead ones first
      // (this one then finds none): the devices of a crashed gateway all come back at once.
      await dropDeadGateways(c.userId);
      return tryRegister(c, limit);
    },

    async unregister(c: RegisteredConnection): Promise<void> {
      await redis.zrem(keys.userConnections(c.userId), member(c.connectionId));
    },

    /**
     * Extends every registration of this gateway: one script call per REFRESH_CHUNK_USERS users,
     * awaited in turn (ZADD XX + PEXPIRE per user inside), so its garbage and Redis bursts stay small.
     */
    async refresh(connections: Iterable<RegisteredConnection>): Promise<void> {
      let byUser = new Map<string, string[]>();
      for (const c of connections) {
        const ids = byUser.get(c.userId);
        if (ids) ids.push(c.connectionId);
        else if (byUser.size < REFRESH_CHUNK_USERS) byUser.set(c.userId, [c.connectionId]);
        else {
          await refreshUsers(byUser);
          byUser = new Map([[c.userId, [c.connectionId]]]);
        }
      }
      if (byUser.size > 0) await refreshUsers(byUser);
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
