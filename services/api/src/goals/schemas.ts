import { flatOf, isoDate, isoDateTime } from '@aurawell/protocol';
import { z } from 'zod';
import { dateField, daysBetween, todayUtc } from '../dates';
import { whenFieldsValid } from '../http/validate';
import { GOAL_TYPE_PATTERN } from './query';

/** The goal objects of contract §2.0 and the bodies of routes 15 and 19. */

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

/** Units the original named; others pass when made of letters and `/`. */
const COMMON_UNITS = ['kg', 'lbs', 'steps', 'hours', 'minutes', 'calories', 'km', 'miles', 'sessions', 'days', 'weeks'];
const UNIT_TEXT = /^[a-zA-Z/]+$/;
const MAX_TARGET_DAYS_AHEAD = 730;

/** Per-type caps on the target (route 19), checked once every field is valid. */
const TARGET_CAPS: Record<string, { max: number; message: string }> = {
  steps: { max: 100000, message: 'Daily steps goal cannot exceed 100,000' },
  sleep: { max: 12, message: 'Sleep goal cannot exceed 12 hours' },
  weight_loss: { max: 100, message: 'Weight change goal cannot exceed 100 kg' },
  weight_gain: { max: 100, message: 'Weight change goal cannot exceed 100 kg' },
  nutrition: { max: 10000, message: 'Nutrition goal cannot exceed 10,000 calories' },
};

const capExceeded = (goal: { goal_type: string; target_value: number }): string | null => {
  const cap = TARGET_CAPS[goal.goal_type];
  return cap && goal.target_value > cap.max ? cap.message : null;
};

/** Route 19 body, with the original's field and model checks. */
export const HealthGoalRequest = z
  .object({
    goal_type: z.string().regex(GOAL_TYPE_PATTERN),
    target_value: z.number().gt(0).refine((v) => v <= 1_000_000, 'Target value is unreasonably high'),
    target_unit: z
      .string()
      .min(1)
      .max(20)
      .transform((s) => s.trim().toLowerCase())
      .refine((s) => s.length > 0, { message: 'Target unit cannot be empty', abort: true })
      .refine((s) => COMMON_UNITS.includes(s) || UNIT_TEXT.test(s), 'Target unit can only contain letters and forward slashes'),
    target_date: dateField()
      .refine((d) => d >= todayUtc(), { message: 'Target date cannot be in the past', abort: true })
      .refine((d) => daysBetween(todayUtc(), d) <= MAX_TARGET_DAYS_AHEAD, 'Target date cannot be more than 2 years in the future')
      .nullable()
      .optional(),
    description: z.string().max(500).nullable().optional(),
  })
  .refine((goal) => capExceeded(goal) === null, {
    ...whenFieldsValid,
    error: (issue) => capExceeded(issue.input as { goal_type: string; target_value: number }) ?? 'Target value out of range',
  });
export type HealthGoalRequest = z.infer<typeof HealthGoalRequest>;

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

/** Route 20, style F. */
export const HealthGoalsResponse = flatOf({ goals: z.array(HealthGoal), total_count: z.int() });

/** Route 14, style F. */
export const UserHealthGoalsResponse = flatOf({ goals: z.array(UserHealthGoal), total_count: z.int() });
