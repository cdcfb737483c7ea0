import type { Logger, TokenService } from '@aurawell/platform';
import type { Queryable } from '@aurawell/db';
import type { Response } from 'express';
import { z } from 'zod';
import { flatOf } from '@aurawell/protocol';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess } from '../http/envelope';
import { UserHealthGoal } from '../http/schemas';
import { createUserHealthGoal, listUserHealthGoals } from '../store/user-goals';
import { dateField } from '../dates';
import { routeFault } from './route-fault';

/** Route 15 body. */
export const UserHealthGoalRequest = z.object({
  title: z.string().min(1).max(200),
  description: z.string().max(1000).nullable().optional(),
  type: z.string(),
  target_value: z.number().nullable().optional(),
  current_value: z.number().nullable().optional(),
  unit: z.string().nullable().optional(),
  target_date: dateField().nullable().optional(),
  status: z.string().default('active'),
});
export type UserHealthGoalRequest = z.infer<typeof UserHealthGoalRequest>;

/** Route 14, style F. */
export const UserHealthGoalsResponse = flatOf({ goals: z.array(UserHealthGoal), total_count: z.int() });

type UserGoalDeps = { pool: Queryable; tokens: TokenService; logger: Logger };

const listGoals =
  ({ pool, logger }: UserGoalDeps) =>
  async ({ res, userId }: { res: Response; userId: string }) => {
    const goals = await listUserHealthGoals(pool, userId).catch(routeFault(logger, 'Failed to retrieve health goals', { userId }));
    sendSuccess(res, 'Health goals retrieved successfully', null, { goals, total_count: goals.length });
  };

const createGoal =
  ({ pool, logger }: UserGoalDeps) =>
  async ({ res, userId, body }: { res: Response; userId: string; body: UserHealthGoalRequest }) => {
    const goal = await createUserHealthGoal(pool, userId, {
      title: body.title,
      description: body.description ?? null,
      type: body.type,
      targetValue: body.target_value ?? null,
      currentValue: body.current_value ?? null,
      unit: body.unit ?? null,
      targetDate: body.target_date ?? null,
      status: body.status,
    }).catch(routeFault(logger, 'Failed to create health goal', { userId }));
    logger.info({ userId, goalId: goal.id }, 'user health goal created');
    res.json(goal);
  };

/** Routes 14–15: the goals a user keeps on their profile. */
export const userGoalRoutes = (deps: UserGoalDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'get',
    path: '/api/v1/user/health-goals',
    summary: "The caller's health goals, measured from stored records where the type has a measure",
    tag: 'user',
    auth: true,
    response: UserHealthGoalsResponse,
    errors: [500],
    handle: listGoals(deps),
  }),
  endpoint(deps.tokens, {
    method: 'post',
    path: '/api/v1/user/health-goals',
    summary: 'Create a health goal (bare body, no envelope)',
    tag: 'user',
    auth: true,
    body: UserHealthGoalRequest,
    response: UserHealthGoal,
    errors: [500],
    handle: createGoal(deps),
  }),
];
