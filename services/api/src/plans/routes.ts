import type { TokenService } from '@aurawell/platform';
import { envelopeOf, flatOf } from '@aurawell/protocol';
import { z } from 'zod';
import { endpoint, type Endpoint } from '../http/endpoint';
import {
  deletePlanHandler,
  exportPlanHandler,
  generatePlanHandler,
  getPlanHandler,
  listPlansHandler,
  updatePlanHandler,
  type PlanDeps,
} from './plan-handlers';
import {
  ExportQuery,
  GeneratePlanRequest,
  HealthPlan,
  PlanFeedbackRequest,
  PlanIdParams,
  PlanProgressReport,
  PlanProgressRequest,
  PlanTemplateSchema,
  TemplateCustomisations,
  TemplateIdParams,
  TemplateQuery,
  UpdatePlanRequest,
} from './schemas';
import { createFromTemplateHandler, listTemplatesHandler } from './template-handlers';
import { planFeedbackHandler, planProgressHandler, updatePlanProgressHandler } from './tracking-handlers';

export type PlanRouteDeps = PlanDeps & { tokens: TokenService };

const PLANS = '/api/v1/health-plan/plans';
const PLAN = `${PLANS}/{plan_id}`;
const tag = 'health-plan';

/** Routes 24–26: the caller's plans. */
const planEndpoints = (deps: PlanRouteDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'get', path: PLANS, summary: "The caller's health plans", tag, auth: true,
    response: flatOf({ plans: z.array(HealthPlan), total_count: z.int() }),
    errors: [500], revalidate: true,
    handle: listPlansHandler(deps),
  }),
  endpoint(deps.tokens, {
    method: 'post', path: '/api/v1/health-plan/generate', summary: 'Generate and store a templated health plan', tag, auth: true,
    body: GeneratePlanRequest,
    response: flatOf({ plan: HealthPlan, recommendations: z.array(z.string()) }),
    errors: [500],
    handle: generatePlanHandler(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get', path: PLAN, summary: 'One of the caller\'s health plans', tag, auth: true,
    params: PlanIdParams,
    response: flatOf({ plan: HealthPlan }),
    errors: [404, 500], revalidate: true,
    handle: getPlanHandler(deps),
  }),
];

/** Routes 27–29: changing, deleting and exporting a plan. */
const planChangeEndpoints = (deps: PlanRouteDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'put', path: PLAN, summary: 'Regenerate a health plan from new goals and modules; progress restarts', tag, auth: true,
    params: PlanIdParams,
    body: UpdatePlanRequest,
    response: flatOf({ plan: HealthPlan }),
    errors: [404, 500],
    handle: updatePlanHandler(deps),
  }),
  endpoint(deps.tokens, {
    method: 'delete', path: PLAN, summary: 'Delete a health plan with its feedback and progress', tag, auth: true,
    params: PlanIdParams,
    response: envelopeOf(z.null()),
    errors: [404, 500],
    handle: deletePlanHandler(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get', path: `${PLAN}/export`, summary: 'Export a health plan (acknowledgement only; no file)', tag, auth: true,
    params: PlanIdParams,
    query: ExportQuery,
    response: envelopeOf(z.object({ export_format: z.string(), plan_id: z.string() })),
    errors: [400, 404, 500],
    handle: exportPlanHandler(deps),
  }),
];

/** Routes 30–32: feedback and progress. */
const trackingEndpoints = (deps: PlanRouteDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'post', path: `${PLAN}/feedback`, summary: 'Store feedback (any JSON object) on a health plan', tag, auth: true,
    params: PlanIdParams,
    body: PlanFeedbackRequest,
    response: envelopeOf(z.object({ plan_id: z.string(), feedback_id: z.string() })),
    errors: [404, 500],
    handle: planFeedbackHandler(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get', path: `${PLAN}/progress`, summary: 'Progress of a health plan, from its stored updates', tag, auth: true,
    params: PlanIdParams,
    response: envelopeOf(PlanProgressReport),
    errors: [404, 500], revalidate: true,
    handle: planProgressHandler(deps),
  }),
  endpoint(deps.tokens, {
    method: 'put', path: `${PLAN}/progress`, summary: 'Record progress on a health plan or one of its modules', tag, auth: true,
    description: 'Any JSON object; `progress` (0–100, default 0) is read, and `module_type` names one of the plan\'s modules.',
    params: PlanIdParams,
    body: PlanProgressRequest,
    response: envelopeOf(z.object({ plan_id: z.string(), updated_progress: z.number(), updated_at: z.string() })),
    errors: [400, 404, 500],
    handle: updatePlanProgressHandler(deps),
  }),
];

/** Routes 33–34: the template catalogue. */
const templateEndpoints = (deps: PlanRouteDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/health-plan/templates', summary: 'Health plan templates', tag, auth: true,
    query: TemplateQuery,
    response: envelopeOf(z.object({ templates: z.array(PlanTemplateSchema), total_count: z.int() })),
    revalidate: true,
    handle: listTemplatesHandler(),
  }),
  endpoint(deps.tokens, {
    method: 'post', path: '/api/v1/health-plan/templates/{template_id}/create', summary: 'Create and store a plan from a template', tag, auth: true,
    params: TemplateIdParams,
    body: TemplateCustomisations,
    response: flatOf({ plan: HealthPlan }),
    errors: [404, 500],
    handle: createFromTemplateHandler(deps),
  }),
];

/** Routes 24–34: health plans and templates. */
export const planRoutes = (deps: PlanRouteDeps): Endpoint[] => [
  ...planEndpoints(deps),
  ...planChangeEndpoints(deps),
  ...trackingEndpoints(deps),
  ...templateEndpoints(deps),
];
