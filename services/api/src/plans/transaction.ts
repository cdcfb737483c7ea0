import type { Pool, Queryable } from '@aurawell/db';

/** Runs `work` on one client inside BEGIN/COMMIT; any failure rolls back and is rethrown. */
export const withTransaction = async <T>(pool: Pool, work: (db: Queryable) => Promise<T>): Promise<T> => {
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
