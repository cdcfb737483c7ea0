import type { PlanProfile } from './store';

/** The snapshot's fixed values, used whenever the profile lacks what a computation needs. */
export const DEFAULT_DAILY_CALORIES = 2000;
export const DEFAULT_WEIGHT_TARGET = { targetWeightChange: -5.0, weeklyGoal: -0.5 } as const;

const ACTIVITY_FACTORS: Record<string, number> = {
  sedentary: 1.2,
  lightly_active: 1.375,
  moderately_active: 1.55,
  very_active: 1.725,
  extremely_active: 1.9,
};
/** The contract's fallback activity level (route 2: invalid → moderately_active). */
const DEFAULT_ACTIVITY_FACTOR = 1.55;

// China's adult BMI bands (the original's users): under 18.5 is underweight, 24 and over overweight.
const BMI_UNDERWEIGHT = 18.5;
const BMI_OVERWEIGHT = 24;
const BMI_TARGET_LOSS = 22;
const BMI_TARGET_GAIN = 20;
/** A first target moves at most 10% of body weight, the usual clinical step. */
const MAX_CHANGE_SHARE = 0.1;

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

type Body = { age: number; heightCm: number; weightKg: number };
const bodyOf = (p: PlanProfile | null): Body | null =>
  p && p.age !== null && p.height_cm !== null && p.weight_kg !== null
    ? { age: p.age, heightCm: p.height_cm, weightKg: p.weight_kg }
    : null;

/** Basal metabolic rate, Mifflin–St Jeor; `other`/unknown gender takes the midpoint of the two constants. */
export const basalMetabolicRate = (b: Body, gender: string | null): number => {
  const genderTerm = gender === 'male' ? 5 : gender === 'female' ? -161 : -78;
  return 10 * b.weightKg + 6.25 * b.heightCm - 5 * b.age + genderTerm;
};

/** Weight change toward a healthy BMI: 0 inside the healthy band; null without height and weight. */
export const weightTarget = (p: PlanProfile | null): { targetWeightChange: number; weeklyGoal: number } | null => {
  if (!p || p.height_cm === null || p.weight_kg === null) return null;
  const metres = p.height_cm / 100;
  const bmi = p.weight_kg / (metres * metres);
  const maxChange = p.weight_kg * MAX_CHANGE_SHARE;
  if (bmi >= BMI_OVERWEIGHT) {
    const change = Math.max(BMI_TARGET_LOSS * metres * metres - p.weight_kg, -maxChange);
    return { targetWeightChange: round(change, 1), weeklyGoal: -0.5 };
  }
  if (bmi < BMI_UNDERWEIGHT) {
    const change = Math.min(BMI_TARGET_GAIN * metres * metres - p.weight_kg, maxChange);
    return { targetWeightChange: round(change, 1), weeklyGoal: 0.25 };
  }
  return { targetWeightChange: 0, weeklyGoal: 0 };
};

/**
 * Daily energy target: total daily energy expenditure (BMR × activity factor), 500 kcal under it
 * when losing weight and 300 over when gaining, rounded to 10 kcal, never under 1200.
 * Null when the profile lacks age, height or weight.
 */
export const dailyCalories = (p: PlanProfile | null): number | null => {
  const body = bodyOf(p);
  if (!body || !p) return null;
  const factor = (p.activity_level && ACTIVITY_FACTORS[p.activity_level]) || DEFAULT_ACTIVITY_FACTOR;
  const tdee = basalMetabolicRate(body, p.gender) * factor;
  const direction = weightTarget(p)?.weeklyGoal ?? 0;
  const adjusted = direction < 0 ? tdee - 500 : direction > 0 ? tdee + 300 : tdee;
  return Math.max(1200, Math.round(adjusted / 10) * 10);
};
