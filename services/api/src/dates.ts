import { z } from 'zod';

// Calendar days as `YYYY-MM-DD` strings: plain UTC arithmetic, so no time zone shifts a day.

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** The date when `text` is a real calendar day in `YYYY-MM-DD` form (so not `2025-02-30`), else null. */
export const parseIsoDay = (text: string): string | null => {
  if (!ISO_DAY.test(text)) return null;
  const parsed = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text ? text : null;
};

export const isIsoDay = (text: string): boolean => parseIsoDay(text) !== null;

/** Today in UTC (the API's clock; the database runs in UTC too). */
export const todayUtc = (): string => new Date().toISOString().slice(0, 10);

/** `day` moved by `offset` days. */
export const addDays = (day: string, offset: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + offset * DAY_MS).toISOString().slice(0, 10);

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** Every day from `from` to `to`, inclusive. */
export const daysFrom = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
};

/** The Monday of the ISO week holding `day`. */
export const mondayOf = (day: string): string => {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
};

export const firstOfMonth = (day: string): string => `${day.slice(0, 8)}01`;

/** The start of `day` as an ISO date-time in UTC. */
export const startOfDayIso = (day: string): string => `${day}T00:00:00.000Z`;

/** `YYYYMMDD_HHMMSS` of an instant, UTC (report and challenge ids). */
export const compactStamp = (at: Date): string => at.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);

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
