// Calendar arithmetic on `YYYY-MM-DD` strings, in UTC so no time zone shifts a day.

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The date when `text` is a real calendar day in `YYYY-MM-DD` form, else null. */
export const parseIsoDay = (text: string): string | null => {
  const match = ISO_DAY.exec(text);
  if (!match) return null;
  const d = new Date(`${text}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text ? null : text;
};

export const addDays = (day: string, offset: number): string => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
};

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** The Monday of the ISO week holding `day`. */
export const mondayOf = (day: string): string => {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
};

export const firstOfMonth = (day: string): string => `${day.slice(0, 8)}01`;

/** `YYYYMMDD_HHMMSS` of an instant, UTC (report and challenge ids). */
export const compactStamp = (at: Date): string => at.toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);

/** Every day from `from` to `to`, inclusive. */
export const daysFrom = (from: string, to: string): string[] => {
  const days: string[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
};
