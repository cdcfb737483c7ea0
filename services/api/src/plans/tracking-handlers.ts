import type { Queryable } from '@aurawell/db';
import type { Response } from 'express';
import type { z } from 'zod';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { findPlan, loadProgressRecords, storeFeedback, storeProgress } from './store';
import { failingAs } from '../http/route-fault';
import { planNotFound } from './guard';
import type { PlanDeps } from './plan-handlers';
import { planProgressAfter, progressReport } from './progress';
import type { PlanFeedbackRequest, PlanProgressRequest } from './schemas';
import { withTransaction } from '@aurawell/db';

type PlanPath = { plan_id: string };
type ProgressUpdate = z.output<typeof PlanProgressRequest>;

/** Route 30: stored as sent, under the caller's plan. */
export const planFeedbackHandler =
  ({ pool, logger }: PlanDeps) =>
  async ({ res, userId, params, body }: { res: Response; userId: string; params: PlanPath; body: z.output<typeof PlanFeedbackRequest> }) => {
    const feedbackId = await failingAs(logger, 'Failed to save plan feedback', () =>
      withTransaction(pool, async (db) => {
        if (!(await findPlan(db, userId, params.plan_id, { lock: true }))) throw planNotFound();
        return storeFeedback(db, params.plan_id, userId, body);
      }),
    );
    logger.info({ planId: params.plan_id, feedbackId }, 'plan feedback saved');
    sendSuccess(res, 'Plan feedback saved successfully', { plan_id: params.plan_id, feedback_id: feedbackId });
  };

/** Route 31: computed from the plan's stored progress updates. */
export const planProgressHandler =
  ({ pool, logger }: PlanDeps) =>
  async ({ res, userId, params }: { res: Response; userId: string; params: PlanPath }) => {
    const report = await failingAs(logger, 'Failed to retrieve plan progress', async () => {
      const plan = await findPlan(pool, userId, params.plan_id);
      if (!plan) throw planNotFound();
      const records = await loadProgressRecords(pool, plan.plan_id);
      return progressReport({ ...plan, module_types: plan.modules.map((m) => m.module_type) }, records);
    });
    sendSuccess(res, 'Plan progress retrieved successfully', report);
  };

/** Stores one update under the locked plan and moves the plan's progress; returns when it was recorded. */
const recordProgress = async (db: Queryable, userId: string, planId: string, update: ProgressUpdate): Promise<string> => {
  const plan = await findPlan(db, userId, planId, { lock: true });
  if (!plan) throw planNotFound();
  const moduleTypes = plan.modules.map((m) => m.module_type);
  const moduleType = update.module_type ?? null;
  if (moduleType !== null && !moduleTypes.includes(moduleType)) {
    throw new HttpError(400, 'module_type is not one of this plan\'s modules');
  }
  const progress = update.progress ?? 0;
  const records = await loadProgressRecords(db, planId);
  const planProgress = planProgressAfter(moduleTypes, [
    ...records,
    { module_type: moduleType, progress, plan_progress: progress, record_date: '', recorded_at: '' },
  ]);
  return storeProgress(db, { planId, moduleType, progress, planProgress, details: update });
};

/** Route 32. Decision: the update is stored and the plan's progress follows it. */
export const updatePlanProgressHandler =
  ({ pool, logger }: PlanDeps) =>
  async ({ res, userId, params, body }: { res: Response; userId: string; params: PlanPath; body: ProgressUpdate }) => {
    const updatedAt = await failingAs(logger, 'Failed to update plan progress', () =>
      withTransaction(pool, (db) => recordProgress(db, userId, params.plan_id, body)),
    );
    logger.info({ planId: params.plan_id, progress: body.progress ?? 0, moduleType: body.module_type ?? null }, 'plan progress updated');
    sendSuccess(res, 'Plan progress updated successfully', {
      plan_id: params.plan_id,
      updated_progress: body.progress ?? 0,
      updated_at: updatedAt,
    });
  };
