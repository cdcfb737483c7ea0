/** Body measures the advice prompts state, from the stored profile (gaps filled as the original did). */
export type ProfileFacts = {
  age: number | null;
  gender: string | null;
  height_cm: number | null;
  weight_kg: number | null;
  activity_level: string | null;
};

const ACTIVITY_FACTOR: Record<string, number> = {
  sedentary: 1.2,
  lightly_active: 1.375,
  moderately_active: 1.55,
  very_active: 1.725,
  extremely_active: 1.9,
};

/** Chinese adult BMI categories (contract route 12). */
export const bmiCategory = (bmi: number): string => (bmi < 18.5 ? '偏瘦' : bmi < 24 ? '正常' : bmi < 28 ? '偏胖' : '肥胖');

export type BodyMetrics = {
  age: number;
  gender: string;
  heightCm: number;
  weightKg: number;
  bmi: number;
  bmiCategory: string;
  /** Mifflin–St Jeor, kcal/day. */
  bmr: number;
  tdee: number;
  activityLevel: string;
  idealWeightKg: [number, number];
};

const round1 = (n: number) => Math.round(n * 10) / 10;

export const bodyMetrics = (p: ProfileFacts | null): BodyMetrics => {
  const age = p?.age ?? 30;
  const heightCm = p?.height_cm ?? 170;
  const weightKg = p?.weight_kg ?? 70;
  const gender = p?.gender ?? 'other';
  const activityLevel = p?.activity_level ?? 'moderately_active';
  const m = heightCm / 100;
  const bmi = round1(weightKg / (m * m));
  const base = 10 * weightKg + 6.25 * heightCm - 5 * age;
  // Mifflin–St Jeor: +5 for men, −161 for women; the midpoint when unknown.
  const bmr = Math.round(base + (gender === 'male' ? 5 : gender === 'female' ? -161 : -78));
  const tdee = Math.round(bmr * (ACTIVITY_FACTOR[activityLevel] ?? 1.55));
  return { age, gender, heightCm, weightKg, bmi, bmiCategory: bmiCategory(bmi), bmr, tdee, activityLevel, idealWeightKg: [round1(18.5 * m * m), round1(24 * m * m)] };
};
