import type { StartedTestContainer } from 'testcontainers';

const started: StartedTestContainer[] = [];

/**
 * Tests use the Redis and PostgreSQL named by REDIS_URL / DATABASE_URL (CI and the dev machines
 * run both on localhost). Where they are unset, real ones are started in containers.
 */
export const globalSetup = async (): Promise<void> => {
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

export const globalTeardown = async (): Promise<void> => {
  const containers = (globalThis as { __awContainers?: StartedTestContainer[] }).__awContainers ?? [];
  await Promise.all(containers.map((c) => c.stop()));
};
