import { z } from 'zod';
import { dateField, daysBetween } from '../dates';
import { valueError, type QueryCheckError } from '../http/errors';
import { MAX_RANGE_DAYS, queryInt } from '../http/validate';

/** Query of routes 17 and 18: ranges and types are framework 422s, the checks below source-3 ones. */

export const DATA_TYPES = ['activity', 'sleep', 'nutrition', 'vitals'] as const;

/** A repeated query value (`?data_types=a&data_types=b`) arrives as a list, a single one as a string. */
const repeated = z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(z.string()));

export const HealthDataQuery = z.object({
  start_date: dateField().optional(),
  end_date: dateField().optional(),
  data_types: repeated.optional().describe(`repeatable; each one of ${DATA_TYPES.join(', ')}; accepted without effect`),
  limit: queryInt({ min: 1, max: 1000 }).optional().describe('the most records to return'),
});
export type HealthDataQuery = z.infer<typeof HealthDataQuery>;

const dateRangeProblem = (q: HealthDataQuery, today: string): string | null => {
  if (q.start_date && q.end_date) {
    if (q.start_date > q.end_date) return 'Start date cannot be after end date';
    if (daysBetween(q.start_date, q.end_date) > MAX_RANGE_DAYS) return 'Date range cannot exceed 1 year';
  }
  if (q.start_date && q.start_date > today) return 'Start date cannot be in the future';
  if (q.end_date && q.end_date > today) return 'End date cannot be in the future';
  return null;
};

/**
 * The checks the original ran on the whole query object, in its order: the data types (a field
 * check), then the date range (a check on the object, so `field` is `""` and `input` the object).
 */
export const healthDataQueryErrors = (q: HealthDataQuery, today: string): QueryCheckError[] => {
  const unknownType = q.data_types?.find((t) => !(DATA_TYPES as readonly string[]).includes(t));
  if (unknownType !== undefined) {
    return [valueError('data_types', `Invalid data type "${unknownType}". Must be one of: ${DATA_TYPES.join(', ')}`, q.data_types)];
  }
  const problem = dateRangeProblem(q, today);
  if (!problem) return [];
  const input = { start_date: q.start_date ?? null, end_date: q.end_date ?? null, data_types: q.data_types ?? null, limit: q.limit ?? null };
  return [valueError('', problem, input)];
};
