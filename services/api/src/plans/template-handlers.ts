import type { Request, Response } from 'express';
import type { z } from 'zod';
import { sendSuccess } from '../http/envelope';
import { createPlan, loadPlanProfile } from './store';
import { templateDraft } from './drafts';
import { failingAs } from '../http/route-fault';
import { templateNotFound } from './guard';
import type { PlanDeps } from './plan-handlers';
import type { TemplateCustomisations, TemplateQuery } from './schemas';
import { filterTemplates, findTemplate } from './templates';
import { withTransaction } from '@aurawell/db';
import { healthPlanView } from './view';

/** Route 33: the static catalogue, exact-match filters. */
export const listTemplatesHandler = () => ({ res, query }: { res: Response; query: z.output<typeof TemplateQuery> }) => {
  const templates = filterTemplates(query);
  sendSuccess(res, 'Plan templates retrieved successfully', { templates, total_count: templates.length });
};

/** Route 34: one module per template module (content as route 25); the plan is stored. */
export const createFromTemplateHandler =
  ({ pool, logger }: PlanDeps) =>
  async ({ req, res, userId, params, body }: {
    req: Request;
    res: Response;
    userId: string;
    params: { template_id: string };
    body: z.output<typeof TemplateCustomisations>;
  }) => {
    const template = findTemplate(params.template_id);
    if (!template) throw templateNotFound();
    // Kept as sent (the parsed body carries defaults the client did not send).
    const raw = req.body as Record<string, unknown>;
    const plan = await failingAs(logger, 'Failed to create plan from template', async () => {
      const draft = templateDraft(userId, template, { duration_days: body.duration_days, target_calories: body.target_calories, raw }, await loadPlanProfile(pool, userId));
      return withTransaction(pool, (db) => createPlan(db, draft));
    });
    logger.info({ planId: plan.plan_id, templateId: template.id, userId }, 'health plan created from template');
    sendSuccess(res, 'Health plan created from template successfully', null, { plan: healthPlanView(plan) });
  };
