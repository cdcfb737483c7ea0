import type { Pool } from '@aurawell/db';
import type { Logger } from '@aurawell/platform';
import type { Response } from 'express';
import type { z } from 'zod';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { createPlan, deletePlan, findPlan, listPlans, loadPlanProfile, rewritePlan, storeProgress } from './store';
import { generatedDraft, PLAN_RECOMMENDATIONS, updatedDraft } from './drafts';
import { failingAs } from '../http/route-fault';
import { planNotFound } from './guard';
import type { ExportQuery, GeneratePlanRequest, UpdatePlanRequest } from './schemas';
import { withTransaction } from '@aurawell/db';
import { healthPlanView } from './view';

export type PlanDeps = { pool: Pool; logger: Logger };
type PlanPath = { plan_id: string };

export const EXPORT_FORMATS = ['pdf', 'json', 'txt'] as const;

/** Route 24. */
export const listPlansHandler =
  ({ pool, logger }: PlanDeps) =>
  async ({ res, userId }: { res: Response; userId: string }) => {
    const plans = await failingAs(logger, 'Failed to retrieve health plans', () => listPlans(pool, userId));
    sendSuccess(res, 'Health plans retrieved successfully', null, { plans: plans.map(healthPlanView), total_count: plans.length });
  };

/** Route 25: templated from the request and the stored profile; stored. */
export const generatePlanHandler =
  ({ pool, logger }: PlanDeps) =>
  async ({ res, userId, body }: { res: Response; userId: string; body: z.output<typeof GeneratePlanRequest> }) => {
    const plan = await failingAs(logger, 'Failed to generate health plan', async () => {
      const draft = generatedDraft(userId, body, await loadPlanProfile(pool, userId));
      return withTransaction(pool, (db) => createPlan(db, draft));
    });
    logger.info({ planId: plan.plan_id, userId, modules: body.modules.length }, 'health plan generated');
    sendSuccess(res, 'Health plan generated successfully', null, { plan: healthPlanView(plan), recommendations: [...PLAN_RECOMMENDATIONS] });
  };

/** Route 26. */
export const getPlanHandler =
  ({ pool, logger }: PlanDeps) =>
  async ({ res, userId, params }: { res: Response; userId: string; params: PlanPath }) => {
    const plan = await failingAs(logger, 'Failed to retrieve health plan', () => findPlan(pool, userId, params.plan_id));
    if (!plan) throw planNotFound();
    sendSuccess(res, 'Health plan retrieved successfully', null, { plan: healthPlanView(plan) });
  };

/** Route 27: modules regenerated, progress restarts at 0 (stored as a progress update, so the history shows it). */
export const updatePlanHandler =
  ({ pool, logger }: PlanDeps) =>
  async ({ res, userId, params, body }: { res: Response; userId: string; params: PlanPath; body: z.output<typeof UpdatePlanRequest> }) => {
    const plan = await failingAs(logger, 'Failed to update health plan', async () => {
      const draft = updatedDraft(userId, body, await loadPlanProfile(pool, userId));
      return withTransaction(pool, async (db) => {
        const rewritten = await rewritePlan(db, params.plan_id, draft);
        if (!rewritten) throw planNotFound();
        await storeProgress(db, { planId: params.plan_id, moduleType: null, progress: 0, planProgress: 0, details: { reason: 'plan_updated' } });
        return rewritten;
      });
    });
    logger.info({ planId: plan.plan_id, userId }, 'health plan updated');
    sendSuccess(res, 'Health plan updated successfully', null, { plan: healthPlanView(plan) });
  };

/** Route 28: really deleted, with its modules, feedback and progress. */
export const deletePlanHandler =
  ({ pool, logger }: PlanDeps) =>
  async ({ res, userId, params }: { res: Response; userId: string; params: PlanPath }) => {
    const deleted = await failingAs(logger, 'Failed to delete health plan', () => deletePlan(pool, userId, params.plan_id));
    if (!deleted) throw planNotFound();
    logger.info({ planId: params.plan_id, userId }, 'health plan deleted');
    sendSuccess(res, 'Health plan deleted successfully');
  };

/** Route 29: the format is checked before the plan is looked up; no file is produced (contract). */
export const exportPlanHandler =
  ({ pool, logger }: PlanDeps) =>
  async ({ res, userId, params, query }: { res: Response; userId: string; params: PlanPath; query: z.output<typeof ExportQuery> }) => {
    const format = query.format;
    if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
      throw new HttpError(400, 'Invalid export format. Supported formats: pdf, json, txt');
    }
    const plan = await failingAs(logger, 'Failed to export health plan', () => findPlan(pool, userId, params.plan_id));
    if (!plan) throw planNotFound();
    sendSuccess(res, `Health plan exported successfully in ${format} format`, { export_format: format, plan_id: plan.plan_id });
  };
