import { z } from 'zod';

/** Date formats of the REST bodies (contract §2.0). */

/** `YYYY-MM-DD`. */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('date, YYYY-MM-DD');
/** ISO 8601 date-time. */
export const isoDateTime = z.string().describe('date-time, ISO 8601 UTC');
