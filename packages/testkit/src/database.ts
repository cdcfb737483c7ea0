import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);
export const REPO_ROOT = join(__dirname, '..', '..', '..');

const adminUrl = (): string => {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set (the jest global setup sets it)');
  return url;
};

const withDatabase = (url: string, name: string): string => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

export type TestDatabase = { url: string; name: string; drop(): Promise<void> };

const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
};

/**
 * A database of its own for one test file, migrated with the real migration command
 * (or left empty with `migrate: false`, to test that services bring it up to date themselves).
 */
export const createTestDatabase = async (opts: { migrate?: boolean } = {}): Promise<TestDatabase> => {
  const name = `aw_t_${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(adminUrl(), name);
  if (opts.migrate !== false) await run(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'packages/db/src/migrate-cli.ts')], {
    env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: 'warn' },
    cwd: REPO_ROOT,
  });
  return {
    url,
    name,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
};
