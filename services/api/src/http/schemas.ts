import { z } from 'zod';

/** The response shapes of contract §1.2, as zod schemas for the OpenAPI document. */

const envelopeFields = {
  success: z.literal(true),
  status: z.literal('success'),
  message: z.string(),
  timestamp: z.string().describe('UTC, ISO 8601'),
  request_id: z.string().describe('UUID v4, also in X-Request-ID'),
};

/** Style E: the payload in `data`. */
export const envelopeOf = <T extends z.ZodType>(data: T) => z.object({ ...envelopeFields, data });

/** Style F: envelope with `data: null` (or a list) and extra top-level fields. */
export const flatOf = <S extends z.ZodRawShape>(fields: S, data: z.ZodType = z.null()) => z.object({ ...envelopeFields, data, ...fields });

export const PaginationMeta = z.object({
  page: z.int(),
  page_size: z.int(),
  total_items: z.int(),
  total_pages: z.int(),
  has_next: z.boolean(),
  has_previous: z.boolean(),
});

/** Style P: a page of items plus `pagination`. */
export const paginatedOf = <T extends z.ZodType>(item: T) =>
  z.object({ ...envelopeFields, data: z.array(item), pagination: PaginationMeta });

/** Style M. */
export const Minimal = z.object({ success: z.literal(true), message: z.string() });

export const ErrorEnvelope = z.object({
  success: z.literal(false),
  status: z.literal('error'),
  message: z.string(),
  data: z.null(),
  error_code: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  timestamp: z.string(),
  request_id: z.string(),
});

export const ValidationErrorBody = z.object({
  detail: z.array(
    z.object({
      type: z.string(),
      loc: z.array(z.union([z.string(), z.int()])),
      msg: z.string(),
      input: z.unknown(),
      ctx: z.record(z.string(), z.unknown()).optional(),
    }),
  ),
});

/** `YYYY-MM-DD`. */
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).describe('date, YYYY-MM-DD');
/** ISO 8601 date-time. */
export const isoDateTime = z.string().describe('date-time, ISO 8601 UTC');

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

/** Contract §2.0 ActivitySummary: one day of activity. */
export const ActivitySummary = z.object({
  date: isoDate,
  steps: z.int().nullable(),
  distance_km: z.number().nullable(),
  calories_burned: z.int().nullable(),
  active_minutes: z.int().nullable(),
  exercise_sessions: z.int().nullable(),
});

/** Contract §2.0 SleepSummary: the night ending on `date`. */
export const SleepSummary = z.object({
  date: isoDate,
  total_sleep_hours: z.number().nullable(),
  deep_sleep_hours: z.number().nullable(),
  light_sleep_hours: z.number().nullable(),
  rem_sleep_hours: z.number().nullable(),
  sleep_efficiency: z.number().nullable().describe('percent'),
  bedtime: isoDateTime.nullable(),
  wake_time: isoDateTime.nullable(),
});

/** Contract §2.0 HealthGoal (routes 19–21). */
export const HealthGoal = z.object({
  goal_id: z.string(),
  goal_type: z.string(),
  target_value: z.number(),
  target_unit: z.string(),
  current_value: z.number().nullable(),
  progress_percentage: z.number().nullable(),
  target_date: isoDate.nullable(),
  description: z.string().nullable(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
});

/** Contract §2.0 UserHealthGoal (routes 14–15). */
export const UserHealthGoal = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  type: z.string(),
  target_value: z.number().nullable(),
  current_value: z.number().nullable(),
  unit: z.string().nullable(),
  target_date: isoDate.nullable(),
  status: z.string(),
  progress: z.number().min(0).max(100),
  created_at: isoDateTime,
  updated_at: isoDateTime,
});

/** Contract §2.0 Achievement (route 35). */
export const Achievement = z.object({
  achievement_id: z.string(),
  title: z.string(),
  description: z.string(),
  category: z.string(),
  progress: z.number().min(0).max(100),
  is_completed: z.boolean(),
  completed_at: isoDateTime.nullable(),
  reward_points: z.int().nullable(),
});

/** Contract §2.0 family objects (routes 36–44). */
export const FamilyRole = z.enum(['owner', 'manager', 'viewer']);

export const FamilyInfo = z.object({
  family_id: z.string().describe('UUID'),
  name: z.string(),
  owner_id: z.string(),
  description: z.string().nullable(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
  member_count: z.int(),
  is_active: z.boolean(),
});

export const FamilyMember = z.object({
  user_id: z.string(),
  username: z.string(),
  display_name: z.string().nullable(),
  email: z.string().nullable(),
  role: FamilyRole,
  joined_at: isoDateTime,
  last_active: isoDateTime.nullable(),
  is_active: z.boolean(),
});

export const InviteInfo = z.object({
  invite_id: z.string().describe('UUID'),
  family_id: z.string(),
  family_name: z.string(),
  inviter_id: z.string(),
  inviter_name: z.string(),
  invitee_email: z.string(),
  role: FamilyRole,
  status: z.enum(['pending', 'accepted', 'declined', 'expired']),
  message: z.string().nullable(),
  created_at: isoDateTime,
  expires_at: isoDateTime.describe('created_at + 72 h'),
  responded_at: isoDateTime.nullable(),
});

export const FamilyPermissionInfo = z.object({
  family_id: z.string(),
  user_id: z.string(),
  role: FamilyRole,
  permissions: z.array(z.string()),
  can_invite_members: z.boolean(),
  can_remove_members: z.boolean(),
  can_view_all_data: z.boolean(),
  can_modify_family_settings: z.boolean(),
  can_delete_family: z.boolean(),
});
