import type { PlanDraft } from './store';
import { buildModules } from './modules';
import type { PlanProfile } from './store';
import type { PlanTemplate } from './templates';

/** Route 25's four fixed tips. */
export const PLAN_RECOMMENDATIONS = ['建议每天记录您的进展', '保持计划的一致性很重要', '如有不适请及时调整计划', '定期评估和更新目标'] as const;

type PlanRequest = { goals: string[]; modules: string[]; duration_days: number };

const goalsDescription = (goals: readonly string[]): string => `基于您的目标：${goals.join(', ')}`;

/** Route 25: a templated plan for the requested goals and module types. */
export const generatedDraft = (
  userId: string,
  request: PlanRequest & { user_preferences?: Record<string, unknown> | null | undefined },
  profile: PlanProfile | null,
): PlanDraft => {
  const preferences = request.user_preferences ?? {};
  return {
    userId,
    title: `${request.duration_days}天个性化健康计划`,
    description: goalsDescription(request.goals),
    durationDays: request.duration_days,
    goals: request.goals,
    preferences,
    modules: buildModules(request.modules, { goals: request.goals, preferences, durationDays: request.duration_days, profile }),
  };
};

/** Route 27: the plan regenerated from new goals and module types. */
export const updatedDraft = (
  userId: string,
  request: PlanRequest & { preferences?: Record<string, unknown> | null | undefined },
  profile: PlanProfile | null,
): PlanDraft => ({
  ...generatedDraft(userId, { ...request, user_preferences: request.preferences }, profile),
  title: `更新的${request.duration_days}天健康计划`,
});

/** Route 34: one module per template module; `customisations` are kept as the plan's preferences. */
export const templateDraft = (
  userId: string,
  template: PlanTemplate,
  customisations: { duration_days: number; target_calories?: number | undefined; raw: Record<string, unknown> },
  profile: PlanProfile | null,
): PlanDraft => {
  const durationDays = customisations.duration_days;
  const inputs = { goals: template.goals, preferences: customisations.raw, durationDays, profile, targetCalories: customisations.target_calories };
  return {
    userId,
    title: '基于模板的健康计划',
    description: `使用模板 ${template.id} 创建的个性化计划`,
    durationDays,
    goals: template.goals,
    preferences: customisations.raw,
    modules: buildModules(template.modules, inputs),
    templateId: template.id,
  };
};
