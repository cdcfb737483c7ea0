import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startDeepSeekSimulator, type DeepSeekSimulator } from '@aurawell/deepseek-sim';
import { REPO_ROOT, SHARED_IP_THROTTLE_ENV, startNginx, startStack, type Nginx, type ServiceProcess } from '@aurawell/devstack';
import { createLogger, createTokenService, type TokenService } from '@aurawell/platform';
import { createTestDatabase, deleteKeysWithPrefix, testPrefix } from '@aurawell/testkit';

const run = promisify(execFile);

/** What clients connect through: the dev edge, nginx with the production rules, or straight to the gateways. */
export type EdgeKind = 'dev' | 'nginx' | 'none';

export type Target = {
  /** ws:// or wss:// origin of the chat endpoint. */
  wsBase: string;
  httpBase: string;
  tokens: TokenService;
  /** Present when the harness started the simulator itself (then texts and send times are checkable). */
  sim: DeepSeekSimulator | null;
  processes: ServiceProcess[];
  /** Each gateway's own ws:// origin, when known (to connect without any proxy in front). */
  gatewayWsBases?: string[];
  stop(): Promise<void>;
};

/** A topology the harness started: the target plus what only a local run knows. */
export type LocalTarget = Target & {
  edge: EdgeKind;
  /** Every gateway's own origin (clients use them all when `edge` is `none`). */
  gatewayUrls: string[];
  gateways: ServiceProcess[];
  redisPrefix: string;
};

export type TopologyOptions = {
  gateways: number;
  workers: number;
  tokensPerSecond: number;
  firstTokenDelayMs: number;
  answerTokens: number;
  /** Default `dev` (the in-process edge `pnpm start` uses). */
  edge?: EdgeKind;
  /** Extra environment of the gateways (e.g. HEARTBEAT_INTERVAL_MS). */
  gatewayEnv?: NodeJS.ProcessEnv;
  /** WebSockets nginx must carry at once (each holds two of its worker_connections; REST load gets 2,048 more, at least 4,096 in all). */
  connections?: number;
};

const serviceEnv = (databaseUrl: string, prefix: string, secret: string, simUrl: string): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  DATABASE_URL: databaseUrl,
  REDIS_KEY_PREFIX: prefix,
  JWT_SECRET_KEY: secret,
  DEEPSEEK_API_KEY: 'sim-key',
  DEEPSEEK_BASE_URL: simUrl,
  // Speech in and out through the same simulator (the voice scenario checks transcripts and every
  // sentence's audio against it); without these a gateway would start a recognizer of its own and
  // a worker would speak with eSpeak NG, whose bytes nothing can check.
  ASR_BASE_URL: simUrl,
  ASR_API_KEY: 'sim-key',
  TTS_BASE_URL: simUrl,
  TTS_API_KEY: 'sim-key',
  TTS_FORMAT: 'wav',
  // A load test measures the system, not the per-user abuse limits.
  RATE_LIMIT_PER_SECOND: '100000',
  RATE_LIMIT_BURST: '100000',
  // Every simulated user logs in (and registers) from this machine's one address.
  ...SHARED_IP_THROTTLE_ENV,
  WORKER_CONCURRENCY: '2000',
});

/**
 * The whole system on this machine, as the load test wants it: its own database and Redis
 * prefix (on REDIS_URL / DATABASE_URL), the simulator at a set pace, G gateways and W workers
 * behind the dev edge, nginx, or nothing.
 */
export const startLocalTopology = async (o: TopologyOptions): Promise<LocalTarget> => {
  const database = await createTestDatabase({ migrate: false });
  const prefix = testPrefix();
  const sim = await startDeepSeekSimulator({ tokensPerSecond: o.tokensPerSecond, firstTokenDelayMs: o.firstTokenDelayMs, answerTokens: o.answerTokens });
  const secret = randomBytes(24).toString('hex');
  const env = serviceEnv(database.url, prefix, secret, sim.url);
  // The dev edge logs every proxied socket reset as a warning; a load test resets thousands on purpose.
  const logger = createLogger('loadtest', 'error');
  const stack = await startStack({ env, gateways: o.gateways, workers: o.workers, logger, serviceEnv: { 'ws-gateway': o.gatewayEnv } });
  let nginx: Nginx | null = null;
  try {
    await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'services/api/src/seed-cli.ts')], { env, cwd: REPO_ROOT });
    const edge = o.edge ?? 'dev';
    if (edge === 'nginx') nginx = await startNginx({ apiUrl: stack.apiUrl, gatewayUrls: stack.gatewayUrls, workerConnections: Math.max(4096, 2 * (o.connections ?? 0) + 2048), accessLog: false });
    const httpBase = nginx?.url ?? (edge === 'none' ? stack.apiUrl : stack.edgeUrl);
    return {
      edge,
      wsBase: (edge === 'none' ? stack.gatewayUrls[0]! : httpBase).replace(/^http/, 'ws'),
      httpBase,
      gatewayUrls: stack.gatewayUrls,
      gatewayWsBases: stack.gatewayUrls.map((u) => u.replace(/^http/, 'ws')),
      gateways: stack.gateways,
      redisPrefix: prefix,
      tokens: createTokenService(secret, { allowDevToken: false }),
      sim,
      processes: [stack.api, ...stack.gateways, ...stack.workers],
      stop: async () => {
        await nginx?.stop();
        await stack.stop();
        await sim.close();
        await database.drop();
        await deleteKeysWithPrefix(prefix);
      },
    };
  } catch (err) {
    await stack.stop();
    await sim.close();
    await database.drop();
    throw err;
  }
};
