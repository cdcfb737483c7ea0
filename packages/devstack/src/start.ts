import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { createLogger } from '@aurawell/platform';
import { buildServices } from './build';
import { SHARED_IP_THROTTLE_ENV } from './harness-env';
import { builtScript, REPO_ROOT } from './process';
import { startStack } from './stack';

// `pnpm start`: the whole system in the foreground on one origin (edge on PORT, default 8000).
const run = promisify(execFile);
const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/aurawell';
const logger = createLogger('aurawell', process.env.LOG_LEVEL ?? 'info');

/** Creates the development database when the server is there but the database is not. */
const ensureDatabase = async (url: string): Promise<void> => {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      logger.info({ database: name }, 'created development database');
    }
  } finally {
    await client.end();
  }
};

const developmentEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  if (!env.JWT_SECRET_KEY) {
    env.JWT_SECRET_KEY = randomBytes(32).toString('hex');
    logger.warn('JWT_SECRET_KEY is not set: using a random one for this run (tokens stop working on restart)');
  }
  env.DATABASE_URL ??= DEFAULT_DATABASE_URL;
  // Every client of this stack is on this machine (one IP): per-IP throttles would only stop `pnpm loadtest --url`.
  return { ...SHARED_IP_THROTTLE_ENV, ...env };
};

/** Brings the schema up to date and loads the demo users and their data (the api's seed command). */
const seed = async (env: NodeJS.ProcessEnv): Promise<void> => {
  await run(process.execPath, builtScript('api', 'seed-cli'), { env, cwd: REPO_ROOT });
  logger.info('database migrated and demo data seeded');
};

const main = async (): Promise<void> => {
  const env = developmentEnv();
  const port = Number(env.PORT ?? 8000);
  // Always from the sources as they are now: a developer never runs stale code (about a second).
  const built = Date.now();
  await buildServices();
  logger.info({ ms: Date.now() - built }, 'services built');
  await ensureDatabase(env.DATABASE_URL as string);
  // The seed runs while the services start: they migrate too, one after another (advisory lock).
  const [started, seeded] = await Promise.allSettled([
    startStack({ env, edgePort: port, logger, onLine: (name, line) => process.stdout.write(`${name.padEnd(16)}| ${line}\n`) }),
    seed(env),
  ]);
  if (started.status === 'rejected') throw started.reason;
  const stack = started.value;
  if (seeded.status === 'rejected') {
    await stack.stop();
    throw seeded.reason;
  }
  logger.info(
    { http: `http://127.0.0.1:${port}`, websocket: `ws://127.0.0.1:${port}/ws/chat/{user_id}?token=…|ticket=…`, web: `http://localhost:${port}/app`, demoLogin: 'demo_user / demo_password' },
    'AuraWell is ready',
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    void stack.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
};

main().catch((err: unknown) => {
  logger.error({ err }, 'could not start the stack');
  process.exit(1);
});
