import { DEFAULT_DAILY_CALORIES, DEFAULT_WEIGHT_TARGET, dailyCalories, weightTarget } from './personalise';
import type { PlanModule, PlanProfile } from './store';

/** What the templated content of every module is built from (route 25's table). */
export type ModuleInputs = {
  goals: string[];
  preferences: Record<string, unknown>;
  durationDays: number;
  profile: PlanProfile | null;
  /** Route 34's `target_calories`: when given, it is the diet module's `daily_calories`. */
  targetCalories?: number;
};

type KnownModule = { title: string; description: string; content: (i: ModuleInputs) => Record<string, unknown> };

/** Titles, descriptions and tips are the snapshot's own words; numbers come from the profile where it can. */
const KNOWN_MODULES: Record<string, KnownModule> = {
  diet: {
    title: '个性化饮食计划',
    description: '根据您的目标和偏好定制的营养计划',
    content: (i) => ({
      daily_calories: i.targetCalories ?? dailyCalories(i.profile) ?? DEFAULT_DAILY_CALORIES,
      goals: i.goals,
      preferences: i.preferences,
      recommendations: ['多吃蔬菜水果', '控制碳水化合物摄入', '增加蛋白质比例'],
    }),
  },
  exercise: {
    title: '运动健身计划',
    description: '适合您体能水平的运动方案',
    content: () => ({ weekly_frequency: 4, session_duration: 45, intensity: 'moderate', exercises: ['有氧运动', '力量训练', '柔韧性训练'] }),
  },
  weight: {
    title: '体重管理计划',
    description: '科学的体重管理策略',
    content: (i) => {
      const target = weightTarget(i.profile) ?? DEFAULT_WEIGHT_TARGET;
      return { target_weight_change: target.targetWeightChange, weekly_goal: target.weeklyGoal, strategies: ['控制热量摄入', '增加运动量', '规律作息'] };
    },
  },
  sleep: {
    title: '睡眠优化计划',
    description: '改善睡眠质量的方案',
    content: () => ({ target_sleep_hours: 8, bedtime: '22:30', wake_time: '06:30', tips: ['睡前1小时避免电子设备', '保持卧室温度适宜', '建立固定的睡前仪式'] }),
  },
  mental: {
    title: '心理健康计划',
    description: '心理健康和压力管理方案',
    content: () => ({ daily_meditation: 10, stress_management: ['深呼吸练习', '正念冥想', '适度运动'], mood_tracking: true }),
  },
};

const isCased = (c: string): boolean => c.toLowerCase() !== c.toUpperCase();

/** Python's `str.title()`: a cased letter is upper-cased after an uncased character, lower-cased otherwise. */
export const pythonTitle = (text: string): string => {
  let previousCased = false;
  let out = '';
  for (const c of text) {
    const cased = isCased(c);
    out += cased ? (previousCased ? c.toLowerCase() : c.toUpperCase()) : c;
    previousCased = cased;
  }
  return out;
};

/** One module of the requested type; an unknown type gets a generic title and empty content. */
export const buildModule = (moduleType: string, inputs: ModuleInputs): PlanModule => {
  const known = Object.hasOwn(KNOWN_MODULES, moduleType) ? KNOWN_MODULES[moduleType] : undefined;
  return known
    ? { module_type: moduleType, title: known.title, description: known.description, content: known.content(inputs), duration_days: inputs.durationDays }
    : { module_type: moduleType, title: `${pythonTitle(moduleType)}计划`, description: `个性化的${moduleType}方案`, content: {}, duration_days: inputs.durationDays };
};

/** One module per requested type, in the requested order. */
export const buildModules = (moduleTypes: readonly string[], inputs: ModuleInputs): PlanModule[] =>
  moduleTypes.map((moduleType) => buildModule(moduleType, inputs));
