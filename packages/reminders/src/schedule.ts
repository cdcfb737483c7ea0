import { CronExpressionParser } from 'cron-parser';
import type { ReminderSchedule } from '@aurawell/db';

/** Is `tz` an IANA time zone this runtime knows? */
export const isTimeZone = (tz: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** Why a cron pattern cannot be used, or null. Five fields (minute first) or six (second first). */
export const cronProblem = (cron: string, timezone: string): string | null => {
  const fields = cron.trim().split(/\s+/).length;
  if (fields < 5 || fields > 6) return 'cron must have 5 fields (minute hour day month weekday) or 6 (with seconds first)';
  try {
    CronExpressionParser.parse(cron, { tz: timezone, strict: false }).next();
    return null;
  } catch (err) {
    return `invalid cron expression: ${(err as Error).message}`;
  }
};

/** The next `count` occurrences after `from` (none for a one-time reminder already past). */
export const nextOccurrences = (schedule: ReminderSchedule, count: number, from = new Date()): Date[] => {
  if (schedule.type === 'once') return schedule.runAt > from ? [schedule.runAt] : [];
  const it = CronExpressionParser.parse(schedule.cron, { tz: schedule.timezone, currentDate: from });
  return Array.from({ length: count }, () => it.next().toDate());
};

/** The shortest gap between consecutive occurrences of a cron pattern, over its next few. */
export const shortestInterval = (cron: string, timezone: string, from = new Date()): number => {
  const times = nextOccurrences({ type: 'cron', cron, timezone }, 6, from).map((d) => d.getTime());
  return Math.min(...times.slice(1).map((t, i) => t - (times[i] as number)));
};
