import { createLogger } from '@aurawell/platform';
import { migrateUp } from './migrate';

// `pnpm migrate`: the command a production migration job runs.
const logger = createLogger('migrate', process.env.LOG_LEVEL ?? 'info');
const url = process.env.DATABASE_URL;
if (!url) {
  console.error('invalid configuration: DATABASE_URL: required');
  process.exit(1);
}
migrateUp(url, logger).then(
  (applied) => {
    logger.info({ count: applied.length }, 'schema up to date');
    process.exit(0);
  },
  (err: unknown) => {
    logger.error({ err }, 'migration failed');
    process.exit(1);
  },
);
