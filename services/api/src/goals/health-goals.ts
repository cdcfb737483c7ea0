import type { Queryable } from '@aurawell/db';
import type { Logger } from '@aurawell/platform';
import type { Request, Response } from 'express';
import { sendSuccess } from '../http/envelope';
import { queryCheckFailed } from '../http/errors';
import { routeFault } from '../http/route-fault';
import { goalPageQueryErrors, toStoreQuery, type HealthGoalPageQuery } from './query';
import type { HealthGoalRequest } from './schemas';
import { createHealthGoal, listHealthGoals, pageHealthGoals } from './store/health-goals';

export type GoalDeps = { pool: Queryable; logger: Logger };

/** Route 19: the goal as stored (bare body, no envelope). */
export const createGoalHandler =
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

/** Route 20. */
export const listGoalsHandler =
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

/** Route 21: the query's own checks (422 source 3), then one page. */
export const pageGoalsHandler =
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
