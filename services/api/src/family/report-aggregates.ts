import type { z } from 'zod';
import type { DayRecord } from './store/metrics';
import type { AggregatedData, ReportAlert } from './dashboard-schemas';
import type { MemberPeriod, MemberStats } from './member-stats';
import { mean, present, round, roundOrNull, sum } from './stats';

export type Aggregated = z.infer<typeof AggregatedData>;
export type Alert = z.infer<typeof ReportAlert>;

const keyed = <T>(stats: readonly MemberStats[], entry: (s: MemberStats) => T): Record<string, T> =>
  Object.fromEntries(stats.map((s) => [s.userId, entry(s)]));

const nonNull = (values: readonly (number | null)[]): number[] => values.filter((v): v is number => v !== null);

/** Family averages are over every member-day with a value, so a member with more records weighs more. */
const activityOf = (all: DayRecord[], stats: readonly MemberStats[]): Aggregated['activity'] => ({
  total_steps: sum(stats.map((s) => s.totalSteps)),
  avg_daily_steps: roundOrNull(mean(present(all, 'steps'))),
  total_calories_burned: sum(stats.map((s) => s.totalCalories)),
  avg_daily_calories: roundOrNull(mean(present(all, 'calories_burned'))),
  active_days: new Set(all.filter((d) => (d.steps ?? 0) > 0).map((d) => d.day)).size,
  by_member: keyed(stats, (s) => ({ steps: s.totalSteps, calories: s.totalCalories, active_minutes: s.totalActiveMinutes })),
});

const sleepOf = (all: DayRecord[], stats: readonly MemberStats[]): Aggregated['sleep'] => ({
  avg_sleep_hours: roundOrNull(mean(present(all, 'sleep_hours')), 2),
  total_sleep_sessions: present(all, 'sleep_hours').length,
  avg_sleep_quality: roundOrNull(mean(present(all, 'sleep_efficiency'))),
  by_member: keyed(stats, (s) => ({
    avg_duration: roundOrNull(s.avgSleepHours, 2), avg_quality: roundOrNull(s.avgSleepQuality), deep_sleep_percentage: s.deepSleepPercent,
  })),
});

const weightOf = (stats: readonly MemberStats[]): Aggregated['weight'] => {
  const changes = nonNull(stats.map((s) => s.weightChange));
  return {
    avg_weight_change: roundOrNull(mean(changes), 2),
    members_losing_weight: changes.filter((c) => c < 0).length,
    members_gaining_weight: changes.filter((c) => c > 0).length,
    by_member: keyed(stats, (s) => ({ weight_change: s.weightChange, bmi_change: s.bmiChange })),
  };
};

const nutritionOf = (all: DayRecord[], stats: readonly MemberStats[]): Aggregated['nutrition'] => ({
  avg_calorie_intake: roundOrNull(mean(present(all, 'calorie_intake'))),
  avg_protein_intake: roundOrNull(mean(present(all, 'protein_grams'))),
  avg_carb_intake: roundOrNull(mean(present(all, 'carb_grams'))),
  by_member: keyed(stats, (s) => ({
    daily_calories: roundOrNull(s.avgCalorieIntake), protein_grams: roundOrNull(s.avgProtein), carb_grams: roundOrNull(s.avgCarbs),
  })),
});

const heartRateOf = (all: DayRecord[], stats: readonly MemberStats[]): Aggregated['heart_rate'] => ({
  avg_resting_hr: roundOrNull(mean(present(all, 'resting_hr'))),
  avg_max_hr: roundOrNull(mean(nonNull(stats.map((s) => s.maxHr)))),
  by_member: keyed(stats, (s) => ({ resting_hr: roundOrNull(s.avgRestingHr), max_hr: s.maxHr, avg_hr: roundOrNull(s.avgHr) })),
});

/** `aggregated_data` of route 45 for one period. */
export const aggregate = (periods: readonly MemberPeriod[], stats: readonly MemberStats[]): Aggregated => {
  const all = periods.flatMap((p) => p.days);
  return {
    activity: activityOf(all, stats),
    sleep: sleepOf(all, stats),
    weight: weightOf(stats),
    nutrition: nutritionOf(all, stats),
    heart_rate: heartRateOf(all, stats),
  };
};

/** Contract thresholds for route 45 alerts. */
export const LOW_STEPS = 5000;
export const SHORT_SLEEP_HOURS = 6.5;
export const WEIGHT_CHANGE_KG = 2;
export const LARGE_WEIGHT_CHANGE_KG = 3;

/** The contract's alert rules, applied to each member's averages over the period. */
export const alertsFor = (stats: readonly MemberStats[]): Alert[] =>
  stats.flatMap((s) => {
    const alerts: Alert[] = [];
    if (s.avgSteps !== null && s.avgSteps < LOW_STEPS) {
      alerts.push({
        alert_type: 'low_activity', severity: 'medium', member_id: s.userId,
        message: `Average daily steps (${Math.round(s.avgSteps)}) are below ${LOW_STEPS}`,
        recommendation: 'Add a brisk 30-minute walk to most days',
      });
    }
    if (s.avgSleepHours !== null && s.avgSleepHours < SHORT_SLEEP_HOURS) {
      alerts.push({
        alert_type: 'insufficient_sleep', severity: 'high', member_id: s.userId,
        message: `Average sleep (${round(s.avgSleepHours, 1)} h) is below ${SHORT_SLEEP_HOURS} hours`,
        recommendation: 'Keep a regular bedtime and aim for 7–9 hours of sleep',
      });
    }
    if (s.weightChange !== null && Math.abs(s.weightChange) > WEIGHT_CHANGE_KG) {
      alerts.push({
        alert_type: 'significant_weight_change', severity: Math.abs(s.weightChange) > LARGE_WEIGHT_CHANGE_KG ? 'high' : 'medium', member_id: s.userId,
        message: `Weight changed by ${s.weightChange > 0 ? '+' : ''}${s.weightChange} kg over the period`,
        recommendation: 'Review diet and activity, and consult a doctor if the change was not intended',
      });
    }
    return alerts;
  });
