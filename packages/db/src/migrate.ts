import { join } from 'node:path';
import { runner } from 'node-pg-migrate';
import type { Logger } from '@aurawell/platform';

export const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

/**
 * Brings the schema up to date. Replicas that start together serialise on node-pg-migrate's
 * advisory lock (`wait`), so the second finds nothing left to do instead of colliding.
 */
export const migrateUp = async (databaseUrl: string, logger: Logger): Promise<string[]> => {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    advisoryLockMode: 'wait',
    checkOrder: true,
    log: (msg: string) => logger.debug({ migration: msg }, 'migration'),
  });
  const names = applied.map((m) => m.name);
  if (names.length > 0) logger.info({ applied: names }, 'migrations applied');
  return names;
};
