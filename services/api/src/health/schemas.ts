import { flatOf, isoDate, isoDateTime } from '@aurawell/protocol';
import { z } from 'zod';
import { queryInt } from '../http/validate';

/** The activity and sleep objects of contract §2.0, and route 16's query and body. */

/** Contract §2.0 ActivitySummary: one day of activity. */
export const ActivitySummary = z.object({
  date: isoDate,
  steps: z.int().nullable(),
  distance_km: z.number().nullable(),
  calories_burned: z.int().nullable(),
  active_minutes: z.int().nullable(),
  exercise_sessions: z.int().nullable(),
});

/** Contract §2.0 SleepSummary: the night ending on `date`. */
export const SleepSummary = z.object({
  date: isoDate,
  total_sleep_hours: z.number().nullable(),
  deep_sleep_hours: z.number().nullable(),
  light_sleep_hours: z.number().nullable(),
  rem_sleep_hours: z.number().nullable(),
  sleep_efficiency: z.number().nullable().describe('percent'),
  bedtime: isoDateTime.nullable(),
  wake_time: isoDateTime.nullable(),
});

/** Route 16 query: `days` 1–365 (contract Decision). */
export const HealthSummaryQuery = z.object({ days: queryInt({ min: 1, max: 365 }).default(7) });
export type HealthSummaryQuery = z.infer<typeof HealthSummaryQuery>;

export const HealthSummaryResponse = flatOf({
  user_id: z.string(),
  period_start: isoDate,
  period_end: isoDate,
  activity_summary: ActivitySummary.nullable(),
  sleep_summary: SleepSummary.nullable(),
  average_heart_rate: z.number().nullable(),
  weight_trend: z.string().nullable(),
  key_insights: z.array(z.string()),
});

/** Routes 17 and 18: the records in `data`, with the user and their count beside it. */
export const recordsResponse = (item: z.ZodType) => flatOf({ user_id: z.string(), total_records: z.int() }, z.array(item));
