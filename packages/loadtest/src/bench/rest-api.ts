import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { builtScript, ensureBuilt, freePort, REPO_ROOT, SHARED_IP_THROTTLE_ENV, waitForHttp } from '@aurawell/devstack';
import { createTestDatabase, deleteKeysWithPrefix, testPrefix } from '@aurawell/testkit';
import { loginAll } from '../login';

const run = promisify(execFile);

/** One api process on its own database and Redis prefix, seeded, with the demo users' tokens. */
export type BenchApi = { url: string; pid: number; databaseUrl: string; tokens: string[]; stop(): Promise<void> };

export type BenchApiOptions = {
  /** The api's LOG_LEVEL: `info` (production's) writes the access log line of every request. */
  logLevel: string;
  /** Its stdout and stderr go to this file (a log shipper's pipe would cost the api the same write). */
  logFile: string;
  /** When set, the api is CPU-profiled into this directory (cpu-profile-preload.mjs). */
  cpuProfDir?: string;
};

const apiEnv = (o: BenchApiOptions, databaseUrl: string, prefix: string, ports: { port: number; opsPort: number }): NodeJS.ProcessEnv => ({
  ...process.env,
  NODE_ENV: 'test',
  LOG_LEVEL: o.logLevel,
  DATABASE_URL: databaseUrl,
  REDIS_KEY_PREFIX: prefix,
  JWT_SECRET_KEY: randomBytes(24).toString('hex'),
  HOST: '127.0.0.1',
  OPS_HOST: '127.0.0.1',
  PORT: String(ports.port),
  OPS_PORT: String(ports.opsPort),
  ...SHARED_IP_THROTTLE_ENV,
  ...(o.cpuProfDir
    ? { NODE_OPTIONS: `--import ${pathToFileURL(join(__dirname, 'cpu-profile-preload.mjs')).href}`, AURAWELL_CPU_PROF_DIR: o.cpuProfDir }
    : {}),
});

/** Waits for the child to exit after SIGTERM (the CPU profile is written on exit). */
const terminate = (child: ReturnType<typeof spawn>): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });

/** Starts the api alone (as `pnpm --dir services/api start` runs it), seeds the demo data and logs the demo users in. */
export const startBenchApi = async (o: BenchApiOptions): Promise<BenchApi> => {
  await ensureBuilt();
  const database = await createTestDatabase({ migrate: false });
  const prefix = testPrefix();
  const [port, opsPort] = await Promise.all([freePort(), freePort()]);
  const env = apiEnv(o, database.url, prefix, { port, opsPort });
  const log = openSync(o.logFile, 'a');
  const child = spawn(process.execPath, builtScript('api'), { cwd: join(REPO_ROOT, 'services', 'api'), env, stdio: ['ignore', log, log] });
  const stop = async () => {
    await terminate(child);
    await database.drop();
    await deleteKeysWithPrefix(prefix);
  };
  try {
    await waitForHttp(`http://127.0.0.1:${opsPort}/readyz`, 60000, () => child.exitCode === null);
    const { NODE_OPTIONS: _profiler, ...seedEnv } = env;
    await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'services/api/src/seed-cli.ts')], { env: seedEnv, cwd: REPO_ROOT });
    const url = `http://127.0.0.1:${port}`;
    const tokens = await loginAll(url, ['demo_user:demo_password', 'test_user:test_password']);
    return { url, pid: child.pid ?? 0, databaseUrl: database.url, tokens, stop };
  } catch (err) {
    await stop();
    throw err;
  }
};
