import { bmiCategory, bodyMetrics } from './body-metrics';
import { GENERIC_ADVICE, parseSections, placeholderSection } from './sections';

test('parseSections files each ### block under its section, with bullet lines as recommendations', () => {
  const text = ['总体来看您的状态不错。', '### 饮食建议', '多吃蔬菜。', '- 每天五份蔬果', '• 少油少盐', '### 运动计划', '循序渐进。', '1. 每周三次快走', '### 其他', '无关内容', '### 心理健康', '保持好心情'].join('\n');
  const sections = parseSections(text);
  expect(Object.keys(sections).sort()).toEqual(['diet', 'exercise', 'mental_health']);
  expect(sections.diet).toEqual({ title: '饮食建议', content: '多吃蔬菜。\n- 每天五份蔬果\n• 少油少盐', recommendations: ['每天五份蔬果', '少油少盐'], metrics: {} });
  expect(sections.exercise?.recommendations).toEqual(['每周三次快走']);
  expect(sections.mental_health?.recommendations).toEqual([]);
});

test('no headings, no sections; placeholders and generic advice name the section', () => {
  expect(parseSections('只是一段话')).toEqual({});
  expect(placeholderSection('sleep').title).toBe('睡眠优化');
  expect(Object.keys(GENERIC_ADVICE)).toEqual(['diet', 'exercise', 'weight', 'sleep', 'mental_health']);
});

test('body metrics follow Mifflin–St Jeor and the Chinese BMI bands; gaps are filled with 70 kg, 170 cm, 30 years', () => {
  const m = bodyMetrics({ age: 32, gender: 'male', height_cm: 175, weight_kg: 72.5, activity_level: 'moderately_active' });
  expect(m.bmi).toBe(23.7);
  expect(m.bmiCategory).toBe('正常');
  expect(m.bmr).toBe(Math.round(10 * 72.5 + 6.25 * 175 - 5 * 32 + 5));
  expect(m.tdee).toBe(Math.round(m.bmr * 1.55));
  expect(m.idealWeightKg).toEqual([56.7, 73.5]);
  const filled = bodyMetrics(null);
  expect([filled.weightKg, filled.heightCm, filled.age]).toEqual([70, 170, 30]);
  expect([17, 18.5, 23.9, 24, 27.9, 28].map(bmiCategory)).toEqual(['偏瘦', '正常', '正常', '偏胖', '偏胖', '肥胖']);
});
