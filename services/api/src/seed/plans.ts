import type { Queryable } from '@aurawell/db';
import { generatedDraft } from '../plans/drafts';
import { planProgressAfter } from '../plans/progress';
import { loadPlanProfile, storeModules, storePlanRow, storeProgress, type ProgressRecord } from '../plans/store';

export const DEMO_PLAN_ID = 'plan_user_001_demo';
const DEMO_PLAN_USER = 'user_001';
const DEMO_PLAN_MODULES = ['diet', 'exercise', 'sleep'];
/** The plan started this many days ago; the last `PROGRESS_DAYS` days before today have updates. */
const PLAN_AGE_DAYS = 9;
const PROGRESS_DAYS = 6;
/** Each module's progress on the first update day and its daily gain, so the modules differ. */
const MODULE_PACE: Record<string, { start: number; gain: number }> = {
  diet: { start: 8, gain: 4 },
  exercise: { start: 5, gain: 3.5 },
  sleep: { start: 10, gain: 5 },
};

const dayBefore = (day: string, days: number): string => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
};

/** One update per module per day, evening UTC, oldest first. */
const demoUpdates = (today: string): { moduleType: string; progress: number; recordedAt: string; day: string }[] =>
  Array.from({ length: PROGRESS_DAYS }, (_, i) => dayBefore(today, PROGRESS_DAYS - i)).flatMap((day, i) =>
    DEMO_PLAN_MODULES.map((moduleType, m) => {
      const pace = MODULE_PACE[moduleType] ?? { start: 0, gain: 1 };
      return { moduleType, day, progress: Math.min(100, pace.start + pace.gain * i), recordedAt: `${day}T20:0${m}:00Z` };
    }),
  );

/**
 * Demo data: one 30-day plan for user_001 (diet, exercise, sleep; content from the stored profile)
 * with six days of module progress. Idempotent: nothing is written when the plan exists.
 */
export const seedPlans = async (db: Queryable, today: string): Promise<void> => {
  const draft = generatedDraft(
    DEMO_PLAN_USER,
    { goals: ['改善睡眠质量', '保持健康体重'], modules: DEMO_PLAN_MODULES, duration_days: 30, user_preferences: { diet: '少油少盐' } },
    await loadPlanProfile(db, DEMO_PLAN_USER),
  );
  const row = await storePlanRow(db, DEMO_PLAN_ID, draft, `${dayBefore(today, PLAN_AGE_DAYS)}T08:00:00Z`);
  if (!row) return;
  await storeModules(db, DEMO_PLAN_ID, draft.modules);
  const records: ProgressRecord[] = [];
  for (const u of demoUpdates(today)) {
    const record = { module_type: u.moduleType, progress: u.progress, plan_progress: 0, record_date: u.day, recorded_at: u.recordedAt };
    record.plan_progress = planProgressAfter(DEMO_PLAN_MODULES, [...records, record]);
    records.push(record);
    await storeProgress(db, {
      planId: DEMO_PLAN_ID, moduleType: u.moduleType, progress: u.progress, planProgress: record.plan_progress,
      details: { progress: u.progress, module_type: u.moduleType }, recordedAt: u.recordedAt,
    });
  }
};
