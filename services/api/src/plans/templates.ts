/** Route 33's Template. */
export type PlanTemplate = {
  id: string;
  name: string;
  description: string;
  category: string;
  difficulty_level: string;
  duration_days: number;
  modules: string[];
  goals: string[];
  usage_count: number;
  rating: number;
};

/** The static catalogue (contract route 33: names, goals, counts and ratings are catalogue data). */
export const PLAN_TEMPLATES: readonly PlanTemplate[] = [
  {
    id: 'template_weight_loss_beginner',
    name: '减重入门计划',
    description: '适合初学者的减重计划，包含饮食和运动指导',
    category: 'weight_loss',
    difficulty_level: 'beginner',
    duration_days: 30,
    modules: ['diet', 'exercise', 'weight'],
    goals: ['减重', '健康饮食', '建立运动习惯'],
    usage_count: 156,
    rating: 4.5,
  },
  {
    id: 'template_fitness_intermediate',
    name: '健身进阶计划',
    description: '适合有一定基础的健身爱好者',
    category: 'fitness',
    difficulty_level: 'intermediate',
    duration_days: 60,
    modules: ['exercise', 'weight', 'mental'],
    goals: ['增强体质', '肌肉增长', '提高耐力'],
    usage_count: 89,
    rating: 4.7,
  },
  {
    id: 'template_wellness_beginner',
    name: '全面健康计划',
    description: '综合性的健康管理计划',
    category: 'wellness',
    difficulty_level: 'beginner',
    duration_days: 90,
    modules: ['diet', 'exercise', 'sleep', 'mental'],
    goals: ['整体健康', '生活平衡', '压力管理'],
    usage_count: 234,
    rating: 4.3,
  },
];

/** Exact-match filters; an absent (or empty) filter keeps every template, as the snapshot's truthiness check does. */
export const filterTemplates = (filters: { category?: string | undefined; difficulty?: string | undefined }): PlanTemplate[] =>
  PLAN_TEMPLATES.filter(
    (t) => (!filters.category || t.category === filters.category) && (!filters.difficulty || t.difficulty_level === filters.difficulty),
  );

export const findTemplate = (templateId: string): PlanTemplate | undefined => PLAN_TEMPLATES.find((t) => t.id === templateId);
