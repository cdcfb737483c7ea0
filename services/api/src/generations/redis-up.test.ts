import { createKeys, createLogger, createMetricsRegistry, createRedis, waitForRedis, type RedisClient } from '@aurawell/platform';
import { createPool } from '@aurawell/db';
import { testPrefix, testRedisUrl } from '@aurawell/testkit';
import { connectGenerations, type ConnectedGenerations } from './connect';
import { registerApiRedisUp } from './redis-up';

const logger = createLogger('api-test', 'silent');
let redis: RedisClient;
let generations: ConnectedGenerations;
// Never queried here (only a resume reads it), so it opens no connection.
const pool = createPool(process.env.DATABASE_URL ?? 'postgres://localhost/unused', logger);

beforeAll(async () => {
  redis = createRedis(testRedisUrl(), { name: 'api-test', role: 'command', logger });
  generations = connectGenerations({ redisAt: { main: testRedisUrl(), queue: testRedisUrl() }, redis, db: pool, keys: createKeys(testPrefix()), logger }, {
    maxGenerationsPerUser: 2,
    generationDeadlineMs: 60000,
    retentionMs: 60000,
    maxFrames: 100,
  });
  await Promise.all([redis, ...Object.values(generations.redisClients)].map((c) => waitForRedis(c)));
});

afterAll(async () => {
  await generations.close();
  await pool.end();
  if (redis.status !== 'end') await redis.quit();
});

const redisUp = async (registry: ReturnType<typeof createMetricsRegistry>): Promise<Record<string, number>> => {
  const metric = await registry.getSingleMetric('aurawell_redis_up')!.get();
  return Object.fromEntries(metric.values.map((v) => [String(v.labels.client), v.value]));
};

test('reports every api Redis connection, and a closed one as down', async () => {
  const registry = createMetricsRegistry('api');
  registerApiRedisUp(registry, redis, generations);
  expect(await redisUp(registry)).toEqual({ command: 1, subscriber: 1, queue: 1 });
  expect(await registry.metrics()).toMatch(/^aurawell_redis_up\{client="subscriber",service="api"\} 1$/m);

  const ended = new Promise((resolve) => redis.once('end', resolve));
  await redis.quit();
  await ended;
  expect(await redisUp(registry)).toEqual({ command: 0, subscriber: 1, queue: 1 });
});
