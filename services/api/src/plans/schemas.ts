import { isoDate, isoDateTime } from '@aurawell/protocol';
import { z } from 'zod';
import { queryInt } from '../http/validate';

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * A JSON object (`Dict[str, Any]` in the snapshot): anything else is pydantic's `dict_type`.
 * `shape` names the fields a route reads; other fields pass through untouched.
 */
export const jsonObject = <S extends z.ZodRawShape>(shape: S) =>
  z.preprocess((value, ctx) => {
    if (isJsonObject(value)) return value;
    ctx.addIssue({ code: 'custom', message: 'Input should be a valid dictionary', params: { type: 'dict_type' }, input: value });
    return z.NEVER;
  }, z.looseObject(shape));

const NUMBER_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

/** A number that, as in pydantic's lax mode, may also arrive as numeric text. */
const laxNumber = (schema: z.ZodNumber) =>
  z.preprocess((value) => (typeof value === 'string' && NUMBER_TEXT.test(value) ? Number(value) : value), schema);

// queryInt is pydantic's lax integer: integer text is accepted, other text fails as `int_parsing`.
const durationDays = queryInt({ min: 7, max: 365 }).default(30).describe('plan length in days, 7–365 (default 30)');

/** Route 25 body. */
export const GeneratePlanRequest = z.object({
  goals: z.array(z.string()).min(1),
  modules: z.array(z.string()).min(1).describe('module types: diet, exercise, weight, sleep, mental, or any other'),
  duration_days: durationDays,
  user_preferences: jsonObject({}).nullish(),
});

/** Route 27 body (lists required but may be empty). */
export const UpdatePlanRequest = z.object({
  goals: z.array(z.string()),
  modules: z.array(z.string()),
  duration_days: durationDays,
  preferences: jsonObject({}).nullish(),
});

/** Route 30 body: any JSON object, stored as sent. */
export const PlanFeedbackRequest = jsonObject({});

/**
 * Route 32 body: any JSON object. Decision: `progress` (0–100) is the plan's new progress, or the
 * named module's when `module_type` is given; both are checked because both are stored.
 */
export const PlanProgressRequest = jsonObject({
  progress: laxNumber(z.number().min(0).max(100)).nullish(),
  module_type: z.string().nullish(),
});

/** Route 34 body: customisations; the ones read are checked like route 25's fields. */
export const TemplateCustomisations = jsonObject({
  duration_days: durationDays,
  target_calories: laxNumber(z.number().gt(0).max(10000)).optional().describe('the diet module daily_calories'),
});

export const PlanIdParams = z.object({ plan_id: z.string() });
export const TemplateIdParams = z.object({ template_id: z.string() });

/** Route 29 query. */
export const ExportQuery = z.object({ format: z.string().default('pdf').describe('pdf, json or txt') });

/** Route 33 query. */
export const TemplateQuery = z.object({
  category: z.string().optional().describe('exact match'),
  difficulty: z.string().optional().describe('exact match on difficulty_level'),
});

/** §2.0 HealthPlanModule; `type` is the alias of `module_type` the web client reads (Decision: emitted). */
export const HealthPlanModule = z.object({
  module_type: z.string().describe('diet, exercise, weight, sleep, mental, or any requested type'),
  title: z.string(),
  description: z.string(),
  content: z.record(z.string(), z.unknown()),
  duration_days: z.int(),
  type: z.string().describe('alias of module_type'),
});

/** §2.0 HealthPlan; `id` and `duration` are aliases of `plan_id` and `duration_days` (Decision: emitted). */
export const HealthPlan = z.object({
  plan_id: z.string(),
  title: z.string(),
  description: z.string(),
  modules: z.array(HealthPlanModule),
  duration_days: z.int(),
  status: z.string(),
  progress: z.number().min(0).max(100),
  created_at: isoDateTime,
  updated_at: isoDateTime,
  id: z.string().describe('alias of plan_id'),
  duration: z.int().describe('alias of duration_days'),
});

/** Route 31 `data`. */
export const PlanProgressReport = z.object({
  plan_id: z.string(),
  overall_progress: z.number(),
  module_progress: z.record(z.string(), z.number()).describe('module type → progress 0–100'),
  daily_progress: z.array(z.object({ date: isoDate, progress: z.number() })),
  total_tasks: z.int().describe('one task per module per plan day'),
  completed_tasks: z.int(),
  last_updated: z.string(),
});

/** Route 33 Template. */
export const PlanTemplateSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  category: z.string(),
  difficulty_level: z.string(),
  duration_days: z.int(),
  modules: z.array(z.string()),
  goals: z.array(z.string()),
  usage_count: z.int(),
  rating: z.number(),
});
