import { buildModule, buildModules, pythonTitle } from './modules';

const inputs = { goals: ['减重'], preferences: { vegan: true }, durationDays: 21, profile: null };

describe('pythonTitle (str.title)', () => {
  it.each([
    ['yoga_flow', 'Yoga_Flow'],
    ['hIIT', 'Hiit'],
    ['x2y', 'X2Y'],
    ['中a', '中A'],
    ['ÉCOLE', 'École'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    expect(pythonTitle(input)).toBe(expected);
  });
});

describe('buildModule', () => {
  it('gives an unknown type a generic title, description and empty content', () => {
    expect(buildModule('yoga', inputs)).toEqual({ module_type: 'yoga', title: 'Yoga计划', description: '个性化的yoga方案', content: {}, duration_days: 21 });
  });

  it('treats names of Object.prototype members as unknown types', () => {
    expect(buildModule('constructor', inputs)).toMatchObject({ title: 'Constructor计划', content: {} });
    expect(buildModule('toString', inputs)).toMatchObject({ title: 'Tostring计划', content: {} });
  });

  it('puts goals and preferences in the diet content and prefers an explicit calorie target', () => {
    expect(buildModule('diet', inputs).content).toMatchObject({ daily_calories: 2000, goals: ['减重'], preferences: { vegan: true } });
    expect(buildModule('diet', { ...inputs, targetCalories: 1650 }).content).toMatchObject({ daily_calories: 1650 });
  });

  it('computes calories and the weight target from a profile', () => {
    const profile = { age: 30, gender: 'male', height_cm: 180, weight_kg: 100, activity_level: 'sedentary' };
    expect(buildModule('diet', { ...inputs, profile }).content).toMatchObject({ daily_calories: 1880 });
    expect(buildModule('weight', { ...inputs, profile }).content).toMatchObject({ target_weight_change: -10, weekly_goal: -0.5 });
  });
});

describe('buildModules', () => {
  it('keeps the requested order and repeats', () => {
    expect(buildModules(['sleep', 'diet', 'sleep'], inputs).map((m) => m.module_type)).toEqual(['sleep', 'diet', 'sleep']);
  });
});
