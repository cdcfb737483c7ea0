import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { StartedTestContainer } from 'testcontainers';
import { REPO_ROOT } from './database';
import { TestRedisCluster } from './redis-cluster';

const started: StartedTestContainer[] = [];

/**
 * The services as the end-to-end tests run them: bundled into services/<name>/dist/ once for the
 * whole run from the sources as they are (`pnpm build`), so no test file builds, or runs stale code.
 */
const buildServices = async (): Promise<void> => {
  await promisify(execFile)(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'packages/devstack/src/build-cli.ts')], { cwd: REPO_ROOT });
};

/**
 * Tests use the Redis and PostgreSQL named by REDIS_URL / DATABASE_URL (CI and the dev machines
 * run both on localhost). Where they are unset, real ones are started in containers.
 */
export const globalSetup = async (): Promise<void> => {
  await buildServices();
  await startClusterIfAsked();
  if (process.env.REDIS_URL && process.env.DATABASE_URL) return;
  // Loaded only when needed: testcontainers pulls in an HTTP client that needs a newer Node.
  const { GenericContainer } = await import('testcontainers');
  if (!process.env.REDIS_URL) {
    const redis = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
    started.push(redis);
    process.env.REDIS_URL = `redis://${redis.getHost()}:${redis.getMappedPort(6379)}`;
  }
  if (!process.env.DATABASE_URL) {
    const pg = await new GenericContainer('postgres:16-alpine')
      .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'test' })
      .withExposedPorts(5432)
      .start();
    started.push(pg);
    process.env.DATABASE_URL = `postgres://postgres@${pg.getHost()}:${pg.getMappedPort(5432)}/test`;
  }
  (globalThis as { __awContainers?: StartedTestContainer[] }).__awContainers = started;
};

/**
 * `AW_TEST_REDIS=cluster`: the run's Redis is a Redis Cluster of its own (3 primaries, 3
 * replicas on loopback); REDIS_CLUSTER_NODES then points every test and service at it.
 */
const startClusterIfAsked = async (): Promise<void> => {
  if (process.env.AW_TEST_REDIS !== 'cluster') return;
  const cluster = await TestRedisCluster.start();
  process.env.REDIS_CLUSTER_NODES = cluster.nodes;
  (globalThis as { __awCluster?: TestRedisCluster }).__awCluster = cluster;
};

export const globalTeardown = async (): Promise<void> => {
  await (globalThis as { __awCluster?: TestRedisCluster }).__awCluster?.destroy();
  const containers = (globalThis as { __awContainers?: StartedTestContainer[] }).__awContainers ?? [];
  await Promise.all(containers.map((c) => c.stop()));
};
