import { Redis } from 'ioredis';
import { createKeys } from '@aurawell/platform';
import { deleteKeysWithPrefix, testPrefix, testRedisUrl } from '@aurawell/testkit';
import { createConnectionRegistry, REFRESH_CHUNK_USERS } from './registry';

const prefix = testPrefix();
const keys = createKeys(prefix);
const redis = new Redis(testRedisUrl());
afterAll(async () => {
  redis.disconnect();
  await deleteKeysWithPrefix(prefix);
});

/** Each gateway's own command connection, named after its liveness key as the gateway names it. */
const connections: Redis[] = [];
afterAll(() => connections.forEach((c) => c.disconnect()));
const connectionOf = (gatewayId: string) => {
  const c = new Redis(testRedisUrl(), { connectionName: keys.gateway(gatewayId) });
  connections.push(c);
  return c;
};
const registry = (gatewayId: string, conn = connectionOf(gatewayId)) => createConnectionRegistry(conn, keys, { gatewayId, ttlMs: 60000, gatewayTtlMs: 60000 });

test('the limit holds across gateways while they live', async () => {
  const a = registry('gw-a');
  const b = registry('gw-b');
  await Promise.all([a.heartbeat(), b.heartbeat()]);
  const admitted = await Promise.all(['c1', 'c2', 'c3', 'c4'].map((id, i) => (i % 2 ? b : a).register({ userId: 'u-live', connectionId: id }, 3)));
  expect(admitted.filter(Boolean)).toHaveLength(3);
  expect(await a.countForUser('u-live')).toBe(3);
});

test('registrations of a gateway whose liveness key is gone stop counting at once', async () => {
  const dead = registry('gw-dead');
  const alive = registry('gw-alive');
  await Promise.all([dead.heartbeat(), alive.heartbeat()]);
  for (const id of ['d1', 'd2', 'd3']) expect(await dead.register({ userId: 'u-ghost', connectionId: id }, 3)).toBe(true);
  expect(await alive.register({ userId: 'u-ghost', connectionId: 'x1' }, 3)).toBe(false);
  await redis.del(keys.gateway('gw-dead')); // the gateway crashed: its key lapses
  expect(await alive.register({ userId: 'u-ghost', connectionId: 'x1' }, 3)).toBe(true);
  expect(await alive.countForUser('u-ghost')).toBe(1);
  expect(await redis.zrange(keys.userConnections('u-ghost'), '0', '-1')).toEqual(['gw-alive:x1']);
});

test('a gateway that died (its Redis connection gone) stops counting at once, before its liveness key lapses', async () => {
  const crashedConnection = connectionOf('gw-crashed');
  const crashed = registry('gw-crashed', crashedConnection);
  const other = registry('gw-other');
  await Promise.all([crashed.heartbeat(), other.heartbeat()]);
  for (const id of ['k1', 'k2', 'k3']) expect(await crashed.register({ userId: 'u-crash', connectionId: id }, 3)).toBe(true);
  expect(await other.register({ userId: 'u-crash', connectionId: 'y0' }, 3)).toBe(false);
  crashedConnection.disconnect(); // what a kill -9 does to the process's sockets
  await new Promise((resolve) => setTimeout(resolve, 1100)); // past the registry's one-second look at CLIENT LIST
  expect(await redis.exists(keys.gateway('gw-crashed'))).toBe(1);
  const back = await Promise.all(['y1', 'y2', 'y3'].map((id) => other.register({ userId: 'u-crash', connectionId: id }, 3)));
  expect(back).toEqual([true, true, true]);
  expect((await redis.zrange(keys.userConnections('u-crash'), '0', '-1')).sort()).toEqual(['gw-other:y1', 'gw-other:y2', 'gw-other:y3']);
});

test('refresh extends every registration of the gateway, a chunk of users per call, and revives none', async () => {
  const g = createConnectionRegistry(connectionOf('gw-f'), keys, { gatewayId: 'gw-f', ttlMs: 5000, gatewayTtlMs: 60000 });
  await g.heartbeat();
  // u-f0 and u-f1 have a connection in each of the two pipelines; f1 closes before the refresh.
  const regs = Array.from({ length: REFRESH_CHUNK_USERS + 4 }, (_, i) => ({ userId: `u-f${i % (REFRESH_CHUNK_USERS + 2)}`, connectionId: `f${i}` }));
  for (const c of regs) expect(await g.register(c, 3)).toBe(true);
  await g.unregister({ userId: 'u-f1', connectionId: 'f1' });
  const longer = createConnectionRegistry(redis, keys, { gatewayId: 'gw-f', ttlMs: 600000, gatewayTtlMs: 60000 });
  await longer.refresh(regs);
  const key = keys.userConnections('u-f0');
  const late = `gw-f:f${REFRESH_CHUNK_USERS + 2}`;
  expect(await redis.zrange(key, '0', '-1')).toEqual(['gw-f:f0', late]);
  expect(Number(await redis.zscore(key, late))).toBeGreaterThan(Date.now() + 500000);
  expect(await redis.pttl(key)).toBeGreaterThan(500000);
  expect(await redis.zrange(keys.userConnections('u-f1'), '0', '-1')).toEqual([`gw-f:f${REFRESH_CHUNK_USERS + 3}`]);
});

test('unregister frees a place; retire removes the liveness key', async () => {
  const g = registry('gw-r');
  await g.heartbeat();
  for (const id of ['r1', 'r2', 'r3']) await g.register({ userId: 'u-r', connectionId: id }, 3);
  await g.unregister({ userId: 'u-r', connectionId: 'r2' });
  expect(await g.register({ userId: 'u-r', connectionId: 'r4' }, 3)).toBe(true);
  await g.retire();
  expect(await redis.exists(keys.gateway('gw-r'))).toBe(0);
});
