import type { Logger, TokenService } from '@aurawell/platform';
import type { Queryable } from '@aurawell/db';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { flatOf, paginatedOf } from '@aurawell/protocol';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess } from '../http/envelope';
import { queryCheckFailed } from '../http/errors';
import { HealthGoal } from '../http/schemas';
import { createHealthGoal, listHealthGoals, pageHealthGoals } from '../store/goals';
import { dateField, daysBetween, todayUtc } from '../dates';
import { GOAL_TYPE_PATTERN, goalPageQueryErrors, HealthGoalPageQuery, toStoreQuery } from './health-goal-query';
import { whenFieldsValid } from './profile-schemas';
import { routeFault } from './route-fault';

/** Units the original named; others pass when made of letters and `/`. */
const COMMON_UNITS = ['kg', 'lbs', 'steps', 'hours', 'minutes', 'calories', 'km', 'miles', 'sessions', 'days', 'weeks'];
const UNIT_TEXT = /^[a-zA-Z/]+$/;
const MAX_TARGET_DAYS_AHEAD = 730;

/** Per-type caps on the target (route 19), checked once every field is valid. */
const TARGET_CAPS: Record<string, { max: number; message: string }> = {
  steps: { max: 100000, message: 'Daily steps goal cannot exceed 100,000' },
  sleep: { max: 12, message: 'Sleep goal cannot exceed 12 hours' },
  weight_loss: { max: 100, message: 'Weight change goal cannot exceed 100 kg' },
  weight_gain: { max: 100, message: 'Weight change goal cannot exceed 100 kg' },
  nutrition: { max: 10000, message: 'Nutrition goal cannot exceed 10,000 calories' },
};

const capExceeded = (goal: { goal_type: string; target_value: number }): string | null => {
  const cap = TARGET_CAPS[goal.goal_type];
  return cap && goal.target_value > cap.max ? cap.message : null;
};

/** Route 19 body, with the original's field and model checks. */
export const HealthGoalRequest = z
  .object({
    goal_type: z.string().regex(GOAL_TYPE_PATTERN),
    target_value: z.number().gt(0).refine((v) => v <= 1_000_000, 'Target value is unreasonably high'),
    target_unit: z
      .string()
      .min(1)
      .max(20)
      .transform((s) => s.trim().toLowerCase())
      .refine((s) => s.length > 0, { message: 'Target unit cannot be empty', abort: true })
      .refine((s) => COMMON_UNITS.includes(s) || UNIT_TEXT.test(s), 'Target unit can only contain letters and forward slashes'),
    target_date: dateField()
      .refine((d) => d >= todayUtc(), { message: 'Target date cannot be in the past', abort: true })
      .refine((d) => daysBetween(todayUtc(), d) <= MAX_TARGET_DAYS_AHEAD, 'Target date cannot be more than 2 years in the future')
      .nullable()
      .optional(),
    description: z.string().max(500).nullable().optional(),
  })
  .refine((goal) => capExceeded(goal) === null, {
    ...whenFieldsValid,
    error: (issue) => capExceeded(issue.input as { goal_type: string; target_value: number }) ?? 'Target value out of range',
  });
export type HealthGoalRequest = z.infer<typeof HealthGoalRequest>;

export const HealthGoalsResponse = flatOf({ goals: z.array(HealthGoal), total_count: z.int() });

type GoalDeps = { pool: Queryable; tokens: TokenService; logger: Logger };

const createGoal =
  ({ pool, logger }: GoalDeps) =>
  async ({ res, userId, body }: { res: Response; userId: string; body: HealthGoalRequest }) => {
    const goal = await createHealthGoal(pool, userId, {
      goalType: body.goal_type,
      targetValue: body.target_value,
      targetUnit: body.target_unit,
      targetDate: body.target_date ?? null,
      description: body.description ?? null,
    }).catch(routeFault(logger, 'Failed to create health goal', { userId }));
    logger.info({ userId, goalId: goal.goal_id }, 'health goal created');
    res.json(goal);
  };

const listGoals =
  ({ pool, logger }: GoalDeps) =>
  async ({ res, userId }: { res: Response; userId: string }) => {
    const goals = await listHealthGoals(pool, userId).catch(routeFault(logger, 'Failed to retrieve health goals', { userId }));
    sendSuccess(res, 'Health goals retrieved successfully', null, { goals, total_count: goals.length });
  };

/** PaginationMeta (contract §2.0): total pages is 1 when nothing matches. */
export const paginationMeta = (page: number, pageSize: number, totalItems: number) => {
  const totalPages = totalItems > 0 ? Math.ceil(totalItems / pageSize) : 1;
  return { page, page_size: pageSize, total_items: totalItems, total_pages: totalPages, has_next: page < totalPages, has_previous: page > 1 };
};

const pageGoals =
  ({ pool, logger }: GoalDeps) =>
  async ({ req, res, userId, query }: { req: Request; res: Response; userId: string; query: HealthGoalPageQuery }) => {
    const errors = goalPageQueryErrors(query);
    if (errors.length > 0) throw queryCheckFailed(req.path, errors);
    const { goals, total } = await pageHealthGoals(pool, userId, toStoreQuery(query)).catch(
      routeFault(logger, 'Failed to retrieve health goals', { userId }, { domain: true }),
    );
    const pagination = paginationMeta(query.page, query.page_size, total);
    const message = `Retrieved ${goals.length} health goals (page ${query.page} of ${pagination.total_pages})`;
    sendSuccess(res, message, goals, { pagination });
  };

/** Routes 19–21: health goals measured from stored records. */
export const healthGoalRoutes = (deps: GoalDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'post',
    path: '/api/v1/health/goals',
    summary: 'Create a health goal (bare body, no envelope)',
    tag: 'health',
    auth: true,
    body: HealthGoalRequest,
    response: HealthGoal,
    errors: [500],
    handle: createGoal(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get',
    path: '/api/v1/health/goals',
    summary: "The caller's health goals with progress measured from stored records",
    tag: 'health',
    auth: true,
    response: HealthGoalsResponse,
    errors: [500],
    handle: listGoals(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get',
    path: '/api/v1/health/goals/paginated',
    summary: "A page of the caller's health goals, filtered and sorted",
    tag: 'health',
    auth: true,
    query: HealthGoalPageQuery,
    response: paginatedOf(HealthGoal),
    errors: [500],
    handle: pageGoals(deps),
  }),
];
