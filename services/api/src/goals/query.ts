import { z } from 'zod';
import { dateField, daysBetween } from '../dates';
import { valueError, type QueryCheckError } from '../http/errors';
import { MAX_RANGE_DAYS, queryInt, UNSAFE_TEXT } from '../http/validate';
import type { HealthGoalFilter, HealthGoalPageQuery as StoreQuery } from './store/health-goals';

/** Route 21's query: ranges and patterns are framework 422s; the checks below are source-3 ones. */

export const GOAL_TYPES = ['weight_loss', 'weight_gain', 'fitness', 'nutrition', 'sleep', 'steps'] as const;
export const GOAL_TYPE_PATTERN = new RegExp(`^(${GOAL_TYPES.join('|')})$`);

/** The fields the original let through without a format check. */
const KNOWN_SORT_FIELDS = ['created_at', 'updated_at', 'date', 'timestamp', 'name', 'title', 'value', 'progress', 'status'];
const IDENTIFIER = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const TRUE_WORDS = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const FALSE_WORDS = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

/** A boolean query parameter, read as pydantic reads one. */
const queryBool = z.preprocess((value, ctx) => {
  if (typeof value !== 'string') return value;
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  ctx.addIssue({ code: 'custom', message: 'Input should be a valid boolean, unable to interpret input', params: { type: 'bool_parsing' }, input: value });
  return z.NEVER;
}, z.boolean());

export const HealthGoalPageQuery = z.object({
  page: queryInt({ min: 1, max: 1000 }).default(1),
  page_size: queryInt({ min: 1, max: 100 }).default(20),
  sort_by: z.string().optional().describe('created_at, updated_at, progress, target_date, target_value, current_value or goal_type; others keep the stored order'),
  sort_order: z.string().regex(/^(asc|desc)$/).default('desc'),
  search: z.string().max(100).optional().describe('case-insensitive, in the description or the goal type'),
  goal_type: z.string().regex(GOAL_TYPE_PATTERN).optional(),
  status: z.string().optional().describe('completed (progress ≥ 100) or active'),
  date_from: dateField().optional().describe('created on or after (UTC day)'),
  date_to: dateField().optional().describe('created on or before (UTC day)'),
  is_completed: queryBool.optional(),
  target_date_from: dateField().optional(),
  target_date_to: dateField().optional(),
});
export type HealthGoalPageQuery = z.infer<typeof HealthGoalPageQuery>;

const sortByErrors = (sortBy: string | undefined): QueryCheckError[] =>
  sortBy !== undefined && !KNOWN_SORT_FIELDS.includes(sortBy) && !IDENTIFIER.test(sortBy)
    ? [valueError('sort_by', 'Sort field must be a valid field name', sortBy)]
    : [];

/** The trimmed search term (blank is none), or the error it gives. */
const searchOf = (search: string | undefined): { term?: string; errors: QueryCheckError[] } => {
  const term = search?.trim();
  if (!term) return { errors: [] };
  return UNSAFE_TEXT.test(term) ? { errors: [valueError('search', 'Search term contains invalid characters', search)] } : { term, errors: [] };
};

const createdRangeProblem = (q: HealthGoalPageQuery): string | null => {
  if (!q.date_from || !q.date_to) return null;
  if (q.date_from > q.date_to) return 'date_from cannot be after date_to';
  return daysBetween(q.date_from, q.date_to) > MAX_RANGE_DAYS ? 'Date range cannot exceed 1 year' : null;
};

const filterInput = (q: HealthGoalPageQuery, term: string | undefined) => ({
  search: term ?? null,
  status: q.status ?? null,
  date_from: q.date_from ?? null,
  date_to: q.date_to ?? null,
  goal_type: q.goal_type ?? null,
  is_completed: q.is_completed ?? null,
  target_date_from: q.target_date_from ?? null,
  target_date_to: q.target_date_to ?? null,
});

/**
 * The original's checks in its order: the sort parameters first, then the filters (the `search`
 * field, then the created-date range on the whole object). The first group that fails is answered.
 */
export const goalPageQueryErrors = (q: HealthGoalPageQuery): QueryCheckError[] => {
  const sortErrors = sortByErrors(q.sort_by);
  if (sortErrors.length > 0) return sortErrors;
  const { term, errors } = searchOf(q.search);
  if (errors.length > 0) return errors;
  const problem = createdRangeProblem(q);
  return problem ? [valueError('', problem, filterInput(q, term))] : [];
};

/** The checked query as the store takes it. */
export const toStoreQuery = (q: HealthGoalPageQuery): StoreQuery => {
  const filter: HealthGoalFilter = {
    goalType: q.goal_type,
    search: searchOf(q.search).term,
    status: q.status,
    createdFrom: q.date_from,
    createdTo: q.date_to,
    isCompleted: q.is_completed,
    targetDateFrom: q.target_date_from,
    targetDateTo: q.target_date_to,
  };
  return {
    filter,
    sort: q.sort_by ? { by: q.sort_by, order: q.sort_order === 'asc' ? 'asc' : 'desc' } : null,
    limit: q.page_size,
    offset: (q.page - 1) * q.page_size,
  };
};
