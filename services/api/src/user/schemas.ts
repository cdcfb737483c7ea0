import { z } from 'zod';
import { flatOf, isoDateTime } from '@aurawell/protocol';
import { UNSAFE_TEXT, whenFieldsValid } from '../http/validate';

/** Request and response schemas of routes 10–13 (profile and health data), with pydantic's checks. */

const EMAIL = /^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}$/;
const GENDER = /^(male|female|other)$/;
const ACTIVITY_LEVEL = /^(sedentary|lightly_active|moderately_active|very_active|extremely_active)$/;

const displayName = z
  .string()
  .min(1)
  .max(100)
  .transform((s) => s.trim())
  .refine((s) => s.length > 0, 'Display name cannot be empty or only whitespace')
  .refine((s) => !UNSAFE_TEXT.test(s), 'Display name contains invalid characters');

const email = z
  .string()
  .regex(EMAIL)
  .transform((s) => s.trim().toLowerCase())
  .refine((s) => !s.includes('..'), 'Email cannot contain consecutive dots')
  .refine((s) => !s.startsWith('.') && !s.endsWith('.'), 'Email cannot start or end with a dot');

const age = z.int().min(13).max(120);
const gender = z.string().regex(GENDER);
const heightCm = z.number().min(50).max(300);
const weightKg = z.number().min(20).max(500);
const activityLevel = z.string().regex(ACTIVITY_LEVEL);

/** BMI of a height (cm) and weight (kg), unrounded. */
export const bmiOf = (heightCm: number, weightKg: number): number => weightKg / (heightCm / 100) ** 2;

/** Route 11 body: every field optional; only the sent ones change (an explicit null clears one). */
export const ProfileUpdateRequest = z
  .object({
    display_name: displayName.nullable().optional(),
    email: email.nullable().optional(),
    age: age.nullable().optional(),
    gender: gender.nullable().optional(),
    height_cm: heightCm.nullable().optional(),
    weight_kg: weightKg.nullable().optional(),
    activity_level: activityLevel.nullable().optional(),
  })
  .refine(
    (p) => p.height_cm == null || p.weight_kg == null || (bmiOf(p.height_cm, p.weight_kg) >= 10 && bmiOf(p.height_cm, p.weight_kg) <= 60),
    { message: 'Height and weight combination results in unrealistic BMI', ...whenFieldsValid },
  );
export type ProfileUpdateRequest = z.infer<typeof ProfileUpdateRequest>;

/** Route 13 body; `activity_level` is held to the enum (contract Decision). */
export const HealthDataUpdateRequest = z.object({
  age: age.nullable().optional(),
  gender: gender.nullable().optional(),
  height: heightCm.nullable().optional().describe('cm'),
  weight: weightKg.nullable().optional().describe('kg'),
  activity_level: activityLevel.nullable().optional(),
});
export type HealthDataUpdateRequest = z.infer<typeof HealthDataUpdateRequest>;

/** The profile's fields: top-level in routes 10 and 11 (style F), in `data` in their web-client aliases. */
export const ProfileFields = z.object({
  user_id: z.string(),
  display_name: z.string().nullable(),
  email: z.string().nullable(),
  age: z.int().nullable(),
  gender: z.string().nullable(),
  height_cm: z.number().nullable(),
  weight_kg: z.number().nullable(),
  activity_level: z.string().nullable(),
  created_at: isoDateTime.nullable(),
  updated_at: isoDateTime.nullable(),
});

/** Routes 10 and 11, style F. */
export const ProfileResponse = flatOf(ProfileFields.shape);

/** Routes 12 and 13, style F. */
export const HealthDataResponse = flatOf({
  user_id: z.string(),
  age: z.int().nullable(),
  gender: z.string().nullable(),
  height: z.number().nullable().describe('cm'),
  weight: z.number().nullable().describe('kg'),
  activity_level: z.string().nullable(),
  bmi: z.number().nullable().describe('1 decimal'),
  bmi_category: z.string().nullable().describe('偏瘦 < 18.5, 正常 < 24, 偏胖 < 28, else 肥胖'),
  updated_at: isoDateTime,
});
