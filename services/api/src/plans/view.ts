import type { z } from 'zod';
import type { HealthPlan, HealthPlanModule } from './schemas';
import type { StoredPlan } from './store';
import type { PlanModule } from './store';

export type HealthPlanView = z.infer<typeof HealthPlan>;
type HealthPlanModuleView = z.infer<typeof HealthPlanModule>;

const moduleView = (m: PlanModule): HealthPlanModuleView => ({
  module_type: m.module_type,
  title: m.title,
  description: m.description,
  content: m.content,
  duration_days: m.duration_days,
  type: m.module_type,
});

/** §2.0 HealthPlan with the aliases the web client reads (`id`, `duration`, module `type`). */
export const healthPlanView = (plan: StoredPlan): HealthPlanView => ({
  plan_id: plan.plan_id,
  title: plan.title,
  description: plan.description,
  modules: plan.modules.map(moduleView),
  duration_days: plan.duration_days,
  status: plan.status,
  progress: plan.progress,
  created_at: plan.created_at,
  updated_at: plan.updated_at,
  id: plan.plan_id,
  duration: plan.duration_days,
});
