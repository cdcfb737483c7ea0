import { execFile } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { startDeepSeekSimulator, type DeepSeekSimulator } from '@aurawell/deepseek-sim';
import { builtScript, REPO_ROOT, startStack, type Stack, type StackOptions } from '@aurawell/devstack';
import { createLogger, createTokenService, type TokenService } from '@aurawell/platform';
import { createTestDatabase, deleteKeysWithPrefix, testPrefix, testRedisUrl } from '@aurawell/testkit';

const run = promisify(execFile);

export type TestSystem = {
  stack: Stack;
  sim: DeepSeekSimulator;
  db: pg.Pool;
  prefix: string;
  tokens: TokenService;
  /** ws://… URL of the chat endpoint through the edge, for `userId` with a fresh token (or `token`). */
  wsUrl(userId: string, query?: string): Promise<string>;
  stop(): Promise<void>;
};

/**
 * The real system for one test file: its own PostgreSQL database (left empty: the services
 * migrate it themselves at start), its own Redis prefix, the simulator, and the services as
 * separate processes behind the edge. The demo users are seeded with the real seed command. Services
 * and seed run as built (services/<name>/dist/, bundled once per run by the jest global setup).
 */
export const startTestSystem = async (
  opts: {
    gateways?: number;
    workers?: number;
    sim?: Parameters<typeof startDeepSeekSimulator>[0];
    serviceEnv?: StackOptions['serviceEnv'];
    /** A Redis of the test's own (e.g. one it restarts); the shared one otherwise. */
    redisUrl?: string;
    /** A Redis Cluster of the test's own (`host:port,…`, e.g. one whose nodes it kills); wins over redisUrl. */
    redisClusterNodes?: string;
    /** Port of the edge (0 or unset: any free one); a test that must know its origin before start picks it. */
    edgePort?: number;
  } = {},
): Promise<TestSystem> => {
  const database = await createTestDatabase({ migrate: false });
  const prefix = testPrefix();
  const sim = await startDeepSeekSimulator({ tokensPerSecond: 400, firstTokenDelayMs: 10, ...opts.sim });
  const secret = randomBytes(24).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.AW_TEST_LOG_LEVEL ?? 'warn',
    REDIS_URL: opts.redisUrl ?? testRedisUrl(),
    DATABASE_URL: database.url,
    ...(opts.redisClusterNodes ? { REDIS_CLUSTER_NODES: opts.redisClusterNodes } : {}),
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET_KEY: secret,
    DEEPSEEK_API_KEY: 'sim-key',
    DEEPSEEK_BASE_URL: sim.url,
    // Speech in and out through the simulator's OpenAI-compatible audio endpoints.
    ASR_BASE_URL: sim.url,
    ASR_API_KEY: 'sim-key',
    TTS_BASE_URL: sim.url,
    TTS_API_KEY: 'sim-key',
    TTS_FORMAT: 'wav',
  };
  const logger = createLogger('test-edge', 'warn');
  let stack: Stack;
  try {
    // AW_TEST_SERVICE_LOG=<file>: every service's log lines go there too (to read after a failure).
    const logFile = process.env.AW_TEST_SERVICE_LOG;
    const onLine = logFile ? (name: string, line: string) => appendFileSync(logFile, `${name.padEnd(16)}| ${line}\n`) : undefined;
    stack = await startStack({ env, gateways: opts.gateways, workers: opts.workers, edgePort: opts.edgePort, logger, serviceEnv: opts.serviceEnv, onLine });
  } catch (err) {
    // A service that cannot start must fail the test file, not leave jest waiting on open handles.
    await sim.close();
    await database.drop();
    throw err;
  }
  await run(process.execPath, builtScript('api', 'seed-cli'), { env, cwd: REPO_ROOT });
  const db = new pg.Pool({ connectionString: database.url, max: 2 });
  const tokens = createTokenService(secret, { allowDevToken: false });
  const wsBase = stack.edgeUrl.replace(/^http/, 'ws');
  return {
    stack,
    sim,
    db,
    prefix,
    tokens,
    wsUrl: async (userId, query) => `${wsBase}/ws/chat/${encodeURIComponent(userId)}?${query ?? `token=${await tokens.issue(userId)}`}`,
    stop: async () => {
      await stack.stop();
      await sim.close();
      await db.end();
      await database.drop();
      if (!opts.redisUrl && !opts.redisClusterNodes) await deleteKeysWithPrefix(prefix);
    },
  };
};
