import { createPool } from '@aurawell/db';
import { migrateUp } from '@aurawell/db/migrate';
import { baseEnv, createLogger, databaseEnv, loadConfig } from '@aurawell/platform';
import { z } from 'zod';
import { seedDemoData } from './seed/seed';

// `pnpm seed`: bring the schema up to date, then load the demo users and their data.
const main = async (): Promise<void> => {
  const config = loadConfig(z.object({ LOG_LEVEL: baseEnv.LOG_LEVEL, DATABASE_URL: databaseEnv.DATABASE_URL }));
  const logger = createLogger('seed', config.LOG_LEVEL);
  await migrateUp(config.DATABASE_URL, logger);
  const pool = createPool(config.DATABASE_URL, logger, 2);
  try {
    await seedDemoData(pool);
  } finally {
    await pool.end();
  }
  logger.info({ users: ['user_001', 'user_002'] }, 'demo data seeded');
};

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`seed failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
