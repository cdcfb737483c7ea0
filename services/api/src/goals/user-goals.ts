import type { Response } from 'express';
import { sendSuccess } from '../http/envelope';
import { routeFault } from '../http/route-fault';
import type { GoalDeps } from './health-goals';
import type { UserHealthGoalRequest } from './schemas';
import { createUserHealthGoal, listUserHealthGoals } from './store/user-goals';

/** Route 14. */
export const listUserGoalsHandler =
  ({ pool, logger }: GoalDeps) =>
  async ({ res, userId }: { res: Response; userId: string }) => {
    const goals = await listUserHealthGoals(pool, userId).catch(routeFault(logger, 'Failed to retrieve health goals', { userId }));
    sendSuccess(res, 'Health goals retrieved successfully', null, { goals, total_count: goals.length });
  };

/** Route 15: the goal as stored (bare body, no envelope). */
export const createUserGoalHandler =
  ({ pool, logger }: GoalDeps) =>
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
