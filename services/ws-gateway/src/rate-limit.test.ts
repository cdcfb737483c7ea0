import { Redis } from 'ioredis';
import { createKeys, createLogger, type Keys } from '@aurawell/platform';
import { deleteKeysWithPrefix, testPrefix, testRedisUrl } from '@aurawell/testkit';
import { createRateLimiter } from './rate-limit';

let prefix: string;
let keys: Keys;
let redisA: Redis;
let redisB: Redis;
const logger = createLogger('rate-limit-test', 'silent');

beforeAll(async () => {
  prefix = testPrefix();
  keys = createKeys(prefix);
  redisA = new Redis(testRedisUrl());
  redisB = new Redis(testRedisUrl());
  // The limiter fails open while its client is not ready; the gateway waits for Redis at start too.
  await Promise.all([redisA.ping(), redisB.ping()]);
});

afterAll(async () => {
  await Promise.all([redisA.quit(), redisB.quit()]);
  await deleteKeysWithPrefix(prefix);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const take = async (allow: (u: string) => Promise<boolean>, userId: string, n: number) => {
  const results: boolean[] = [];
  for (let i = 0; i < n; i++) results.push(await allow(userId));
  return results;
};
const count = (results: boolean[]) => results.filter(Boolean).length;

test('a full bucket lets the burst through, then refuses until tokens refill', async () => {
  // 1 token a second: the 15 takes refill nothing unless they take a second (a loaded machine
  // takes milliseconds), and a 1.1 s wait yields exactly one (for any wait below 2 s).
  const limiter = createRateLimiter(redisA, keys, { perSecond: 1, burst: 10 }, { logger });
  const results = await take(limiter.allow, 'burst_user', 15);
  expect(results).toEqual([...Array(10).fill(true), ...Array(5).fill(false)]);
  await sleep(1100);
  expect(await take(limiter.allow, 'burst_user', 3)).toEqual([true, false, false]);
});

test('two gateways share one bucket per user; other users are not affected', async () => {
  const settings = { perSecond: 0.01, burst: 40 };
  const gatewayA = createRateLimiter(redisA, keys, settings, { logger });
  const gatewayB = createRateLimiter(redisB, keys, settings, { logger });
  const both = await Promise.all([take(gatewayA.allow, 'shared_user', 30), take(gatewayB.allow, 'shared_user', 30)]);
  expect(count(both.flat())).toBe(40);
  expect(await gatewayB.allow('another_user')).toBe(true);
});

test('the bucket expires once it would be full again', async () => {
  const limiter = createRateLimiter(redisA, keys, { perSecond: 20, burst: 40 }, { logger });
  await limiter.allow('ttl_user');
  const ttl = await redisA.pttl(keys.userRateLimit('ttl_user'));
  // 40 tokens at 20/s refill in 2 s; the key lives that long plus a second.
  expect(ttl).toBeGreaterThan(2000);
  expect(ttl).toBeLessThanOrEqual(3000);
});

test('without Redis the limiter fails open and says so', async () => {
  const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  let failOpen = 0;
  const limiter = createRateLimiter(dead, keys, { perSecond: 1, burst: 1 }, { logger, onFailOpen: () => failOpen++ });
  expect(await take(limiter.allow, 'any_user', 3)).toEqual([true, true, true]);
  expect(failOpen).toBe(3);
  dead.disconnect();
});

test('a failing call (here a bucket key of the wrong type) also fails open', async () => {
  let failOpen = 0;
  const limiter = createRateLimiter(redisA, keys, { perSecond: 1, burst: 1 }, { logger, onFailOpen: () => failOpen++ });
  await redisA.set(keys.userRateLimit('wrongtype_user'), 'not a hash');
  expect(await take(limiter.allow, 'wrongtype_user', 2)).toEqual([true, true]);
  expect(failOpen).toBe(2);
});
