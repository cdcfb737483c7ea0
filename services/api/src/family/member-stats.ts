import type { DayRecord } from './store/metrics';
import { mean, present, round, sum } from './stats';

/** One member's records over one period, with the weight their change is measured from. */
export type MemberPeriod = {
  userId: string;
  heightCm: number | null;
  days: DayRecord[];
  /** The last weight before the period, when known. */
  weightBaseline: number | null;
};

/** What the report needs of one member in one period; null where the period has no data for it. */
export type MemberStats = {
  userId: string;
  totalSteps: number;
  avgSteps: number | null;
  totalCalories: number;
  avgCalories: number | null;
  totalActiveMinutes: number;
  /** Coefficient of variation of daily steps (lower is steadier); needs two days. */
  stepsVariation: number | null;
  sleepSessions: number;
  avgSleepHours: number | null;
  avgSleepQuality: number | null;
  deepSleepPercent: number | null;
  weightChange: number | null;
  bmiChange: number | null;
  avgCalorieIntake: number | null;
  avgProtein: number | null;
  avgCarbs: number | null;
  avgRestingHr: number | null;
  maxHr: number | null;
  avgHr: number | null;
};

/** Records from `from` to `to`, inclusive. */
export const within = (days: readonly DayRecord[], from: string, to: string): DayRecord[] =>
  days.filter((d) => d.day >= from && d.day <= to);

/** The last weight recorded before `day` in `days`, else `fallback`. */
export const lastWeightBefore = (days: readonly DayRecord[], day: string, fallback: number | null): number | null => {
  const earlier = present(days.filter((d) => d.day < day), 'weight_kg');
  return earlier.length ? (earlier[earlier.length - 1] ?? null) : fallback;
};

/**
 * Change from `baseline` (or the period's first reading) to the period's last reading, in kg;
 * null without a reading in the period, or with a single reading and nothing before it.
 */
export const weightChange = (baseline: number | null, days: readonly DayRecord[]): number | null => {
  const weights = present(days, 'weight_kg');
  const latest = weights[weights.length - 1];
  if (latest === undefined || (baseline === null && weights.length < 2)) return null;
  return round(latest - (baseline ?? weights[0] ?? latest), 2);
};

const variation = (values: readonly number[]): number | null => {
  const avg = mean(values);
  if (values.length < 2 || !avg) return null;
  const variance = sum(values.map((v) => (v - avg) ** 2)) / values.length;
  return Math.sqrt(variance) / avg;
};

const deepPercent = (days: readonly DayRecord[]): number | null => {
  const nights = days.filter((d) => d.sleep_hours !== null && d.deep_sleep_hours !== null);
  const total = sum(present(nights, 'sleep_hours'));
  return total > 0 ? round((sum(present(nights, 'deep_sleep_hours')) / total) * 100) : null;
};

const bmiChange = (change: number | null, heightCm: number | null): number | null =>
  change === null || !heightCm ? null : round(change / (heightCm / 100) ** 2, 2);

const maxOrNull = (values: readonly number[]): number | null => (values.length ? Math.max(...values) : null);

export const memberStats = (m: MemberPeriod): MemberStats => {
  const steps = present(m.days, 'steps');
  const calories = present(m.days, 'calories_burned');
  const change = weightChange(m.weightBaseline, m.days);
  return {
    userId: m.userId,
    totalSteps: sum(steps),
    avgSteps: mean(steps),
    totalCalories: sum(calories),
    avgCalories: mean(calories),
    totalActiveMinutes: sum(present(m.days, 'active_minutes')),
    stepsVariation: variation(steps),
    sleepSessions: present(m.days, 'sleep_hours').length,
    avgSleepHours: mean(present(m.days, 'sleep_hours')),
    avgSleepQuality: mean(present(m.days, 'sleep_efficiency')),
    deepSleepPercent: deepPercent(m.days),
    weightChange: change,
    bmiChange: bmiChange(change, m.heightCm),
    avgCalorieIntake: mean(present(m.days, 'calorie_intake')),
    avgProtein: mean(present(m.days, 'protein_grams')),
    avgCarbs: mean(present(m.days, 'carb_grams')),
    avgRestingHr: mean(present(m.days, 'resting_hr')),
    maxHr: maxOrNull(present(m.days, 'max_hr')),
    avgHr: mean(present(m.days, 'avg_hr')),
  };
};
