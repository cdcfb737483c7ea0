import type { ProgressRecord } from './store';

/** Route 31's `data`. */
export type ProgressReport = {
  plan_id: string;
  overall_progress: number;
  module_progress: Record<string, number>;
  daily_progress: { date: string; progress: number }[];
  total_tasks: number;
  completed_tasks: number;
  last_updated: string;
};

const round2 = (n: number): number => Math.round(n * 100) / 100;

/**
 * Each module's progress: its latest update, where an update of the whole plan counts for every
 * module; 0 before any update.
 */
export const moduleProgressOf = (moduleTypes: readonly string[], records: readonly ProgressRecord[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const moduleType of moduleTypes) {
    const latest = records.findLast((r) => r.module_type === null || r.module_type === moduleType);
    out[moduleType] = latest?.progress ?? 0;
  }
  return out;
};

/**
 * The plan's overall progress once `records` (ending with the newest update) apply: a whole-plan
 * update sets it; a module update makes it the mean of the modules' progress.
 */
export const planProgressAfter = (moduleTypes: readonly string[], records: readonly ProgressRecord[]): number => {
  const newest = records.at(-1);
  if (!newest) return 0;
  if (newest.module_type === null || moduleTypes.length === 0) return newest.progress;
  const byModule = moduleProgressOf(moduleTypes, records);
  const values = Object.values(byModule);
  return round2(values.reduce((sum, p) => sum + p, 0) / values.length);
};

/** The plan's progress at the end of each day that has updates, oldest day first. */
export const dailyProgressOf = (records: readonly ProgressRecord[]): { date: string; progress: number }[] => {
  const byDay = new Map<string, number>();
  for (const r of records) byDay.set(r.record_date, r.plan_progress);
  return [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, progress]) => ({ date, progress }));
};

type PlanForReport = { plan_id: string; progress: number; duration_days: number; module_types: string[]; updated_at: string };

/**
 * Route 31, from the stored updates. A task is one module on one day of the plan, so there are
 * modules × days of them, and the completed share follows the overall progress.
 */
export const progressReport = (plan: PlanForReport, records: readonly ProgressRecord[]): ProgressReport => {
  const totalTasks = plan.module_types.length * plan.duration_days;
  return {
    plan_id: plan.plan_id,
    overall_progress: plan.progress,
    module_progress: moduleProgressOf(plan.module_types, records),
    daily_progress: dailyProgressOf(records),
    total_tasks: totalTasks,
    completed_tasks: Math.round((plan.progress / 100) * totalTasks),
    last_updated: records.at(-1)?.recorded_at ?? plan.updated_at,
  };
};
