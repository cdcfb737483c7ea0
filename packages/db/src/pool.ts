import pg from 'pg';
import type { Logger } from '@aurawell/platform';

export type Pool = pg.Pool;
export type Queryable = Pick<pg.Pool, 'query'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Can `id` name a uuid column's row? Anything else must not reach a uuid cast (it would raise). */
export const isUuid = (id: string): boolean => UUID.test(id);

/** One pool per process; an idle client's network error is logged, never fatal. */
export const createPool = (databaseUrl: string, logger: Logger, max = 10): pg.Pool => {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5000, idleTimeoutMillis: 30000 });
  pool.on('error', (err) => logger.warn({ err }, 'postgres idle client error'));
  return pool;
};

/** Runs `work` on one client inside BEGIN/COMMIT; any failure rolls back and is rethrown. */
export const withTransaction = async <T>(pool: pg.Pool, work: (db: Queryable) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
};
