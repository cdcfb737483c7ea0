import { z } from 'zod';

/** Calendar days as `YYYY-MM-DD` strings: plain UTC arithmetic, no time zone involved. */

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Is `text` a real calendar day in `YYYY-MM-DD` form (so not `2025-02-30`)? */
export const isIsoDay = (text: string): boolean => {
  if (!ISO_DAY.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
};

/** Today in UTC (the API's clock; the database runs in UTC too). */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/** `day` moved by `offset` days. */
export const shiftDay = (day: string, offset: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** The start of `day` as an ISO date-time in UTC. */
export const startOfDayIso = (day: string): string => `${day}T00:00:00.000Z`;

/**
 * A `date` field as pydantic reads it: `YYYY-MM-DD`, a real day; anything else fails as
 * `date_from_datetime_parsing` (contract §1.3 request validation).
 */
export const dateField = () =>
  z
    .string()
    .refine(isIsoDay, {
      message: 'Input should be a valid date or datetime, invalid date format',
      params: { type: 'date_from_datetime_parsing' },
      abort: true,
    })
    .describe('date, YYYY-MM-DD');
