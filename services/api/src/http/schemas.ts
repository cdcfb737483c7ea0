import { FamilyRole, isoDate, isoDateTime } from '@aurawell/protocol';
import { z } from 'zod';

/** Contract §2.0 objects for the OpenAPI document; the envelope (§1.2) and the shapes the SDK and web page read are in @aurawell/protocol. */

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

/** Contract §2.0 family objects (routes 36–44); `FamilyInfo` and `FamilyMember` are in @aurawell/protocol. */
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
