import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startDeepSeekSimulator, type DeepSeekSimulator } from '@aurawell/deepseek-sim';
import { REPO_ROOT, startStack, type ServiceProcess } from '@aurawell/devstack';
import { createLogger, createTokenService, type TokenService } from '@aurawell/platform';
import { createTestDatabase, deleteKeysWithPrefix, testPrefix } from '@aurawell/testkit';

const run = promisify(execFile);

export type Target = {
  /** ws:// or wss:// origin of the chat endpoint. */
  wsBase: string;
  httpBase: string;
  tokens: TokenService;
  /** Present when the harness started the simulator itself (then texts and send times are checkable). */
  sim: DeepSeekSimulator | null;
  processes: ServiceProcess[];
  stop(): Promise<void>;
};

export type TopologyOptions = { gateways: number; workers: number; tokensPerSecond: number; firstTokenDelayMs: number; answerTokens: number };

/**
 * The whole system on this machine, as the load test wants it: its own database and Redis
 * prefix (on REDIS_URL / DATABASE_URL), the simulator at a set pace, G gateways and W workers
 * behind the edge.
 */
export const startLocalTopology = async (o: TopologyOptions): Promise<Target> => {
  const database = await createTestDatabase({ migrate: false });
  const prefix = testPrefix();
  const sim = await startDeepSeekSimulator({ tokensPerSecond: o.tokensPerSecond, firstTokenDelayMs: o.firstTokenDelayMs, answerTokens: o.answerTokens });
  const secret = randomBytes(24).toString('hex');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: database.url,
    REDIS_KEY_PREFIX: prefix,
    JWT_SECRET_KEY: secret,
    DEEPSEEK_API_KEY: 'sim-key',
    DEEPSEEK_BASE_URL: sim.url,
    // A load test measures the system, not the per-user abuse limits.
    RATE_LIMIT_PER_SECOND: '100000',
    RATE_LIMIT_BURST: '100000',
    WORKER_CONCURRENCY: '2000',
  };
  const logger = createLogger('loadtest', 'warn');
  const stack = await startStack({ env, gateways: o.gateways, workers: o.workers, logger });
  await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'services/api/src/seed-cli.ts')], { env, cwd: REPO_ROOT });
  return {
    wsBase: stack.edgeUrl.replace(/^http/, 'ws'),
    httpBase: stack.edgeUrl,
    tokens: createTokenService(secret, { allowDevToken: false }),
    sim,
    processes: [stack.api, ...stack.gateways, ...stack.workers],
    stop: async () => {
      await stack.stop();
      await sim.close();
      await database.drop();
      await deleteKeysWithPrefix(prefix);
    },
  };
};
