import { basalMetabolicRate, dailyCalories, weightTarget } from './personalise';
import type { PlanProfile } from './store';

const profile = (p: Partial<PlanProfile>): PlanProfile => ({ age: 30, gender: 'male', height_cm: 175, weight_kg: 70, activity_level: 'moderately_active', ...p });

describe('basalMetabolicRate (Mifflin–St Jeor)', () => {
  it.each([
    ['male', 1663.75],
    ['female', 1497.75],
    ['other', 1580.75],
    [null, 1580.75],
  ])('for gender %s', (gender, expected) => {
    expect(basalMetabolicRate({ age: 32, heightCm: 175, weightKg: 72.5 }, gender)).toBeCloseTo(expected, 6);
  });
});

describe('dailyCalories', () => {
  it.each([
    ['demo user_001 (in range, moderately active)', profile({ age: 32, weight_kg: 72.5 }), 2580],
    ['demo user_002 (in range, lightly active)', profile({ age: 28, gender: 'female', height_cm: 163, weight_kg: 55, activity_level: 'lightly_active' }), 1740],
    ['overweight: 500 kcal under TDEE', profile({ height_cm: 180, weight_kg: 100, activity_level: 'sedentary' }), 1880],
    ['underweight: 300 kcal over TDEE', profile({ age: 50, gender: 'female', height_cm: 170, weight_kg: 48, activity_level: 'very_active' }), 2250],
    ['an unknown activity level counts as moderately active', profile({ age: 32, weight_kg: 72.5, activity_level: 'couch' }), 2580],
    ['never under 1200', profile({ age: 120, gender: 'female', height_cm: 140, weight_kg: 40, activity_level: 'sedentary' }), 1200],
  ])('%s', (_case, p, expected) => {
    expect(dailyCalories(p)).toBe(expected);
  });

  it('is null without a profile or without age, height or weight', () => {
    expect(dailyCalories(null)).toBeNull();
    expect(dailyCalories(profile({ age: null }))).toBeNull();
    expect(dailyCalories(profile({ height_cm: null }))).toBeNull();
    expect(dailyCalories(profile({ weight_kg: null }))).toBeNull();
  });
});

describe('weightTarget', () => {
  it.each([
    ['healthy BMI: maintain', profile({ weight_kg: 70 }), { targetWeightChange: 0, weeklyGoal: 0 }],
    ['overweight: toward BMI 22', profile({ height_cm: 170, weight_kg: 70 }), { targetWeightChange: -6.4, weeklyGoal: -0.5 }],
    ['obese: at most 10% of body weight', profile({ height_cm: 180, weight_kg: 100 }), { targetWeightChange: -10, weeklyGoal: -0.5 }],
    ['underweight: toward BMI 20, at most 10%', profile({ height_cm: 170, weight_kg: 45 }), { targetWeightChange: 4.5, weeklyGoal: 0.25 }],
    ['slightly underweight: toward BMI 20', profile({ height_cm: 170, weight_kg: 53 }), { targetWeightChange: 4.8, weeklyGoal: 0.25 }],
  ])('%s', (_case, p, expected) => {
    expect(weightTarget(p)).toEqual(expected);
  });

  it('is null without height or weight', () => {
    expect(weightTarget(null)).toBeNull();
    expect(weightTarget(profile({ height_cm: null }))).toBeNull();
  });
});
