import type { z } from 'zod';
import type { ReportTrends } from './dashboard-schemas';
import type { MemberStats } from './member-stats';
import type { Aggregated } from './report-aggregates';
import { mean, percentChange, round, roundOrNull } from './stats';

export type Trends = z.infer<typeof ReportTrends>;
type TrendWord = Trends['activity_trends']['steps_trend'];

/** Changes inside these bands read as `stable`. */
const STEPS_CALORIES_BAND_PERCENT = 5;
const SLEEP_DURATION_BAND_HOURS = 0.25;
const QUALITY_BAND_PERCENT = 2;
const WEIGHT_BAND_KG = 0.2;
const SCORE_BAND_PERCENT = 2;

const direction = (change: number | null, band: number, up: TrendWord = 'increasing'): TrendWord => {
  if (change === null || Math.abs(change) <= band) return 'stable';
  return change > 0 ? up : 'decreasing';
};

const difference = (current: number | null, previous: number | null, digits: number): number | null =>
  current === null || previous === null ? null : round(current - previous, digits);

/**
 * A member's 0–100 health score: steps toward 10,000 a day (40), sleep toward 8 hours (30) and
 * sleep efficiency (30). A part without data scores 0; a member without any data is left out.
 */
export const memberScore = (s: MemberStats): number | null => {
  if (s.avgSteps === null && s.avgSleepHours === null && s.avgSleepQuality === null) return null;
  const activity = Math.min((s.avgSteps ?? 0) / 10_000, 1) * 40;
  const duration = Math.min((s.avgSleepHours ?? 0) / 8, 1) * 30;
  const quality = Math.min((s.avgSleepQuality ?? 0) / 100, 1) * 30;
  return activity + duration + quality;
};

/** The family's score: the mean of its members' scores; null when no member has data. */
export const familyScore = (stats: readonly MemberStats[]): number | null =>
  roundOrNull(mean(stats.map(memberScore).filter((v): v is number => v !== null)));

/** Family progress in weight: more members losing than gaining reads as improving. */
const weightProgress = (weight: Aggregated['weight']): TrendWord => {
  if (weight.members_losing_weight === weight.members_gaining_weight) return 'stable';
  return weight.members_losing_weight > weight.members_gaining_weight ? 'improving' : 'decreasing';
};

/** Route 45 `trends`: this period against the previous period of the same length. */
export const trendsOf = (
  now: { data: Aggregated; stats: readonly MemberStats[] },
  before: { data: Aggregated; stats: readonly MemberStats[] },
  durationDays: number,
): Trends => {
  const stepsChange = percentChange(now.data.activity.avg_daily_steps, before.data.activity.avg_daily_steps);
  const caloriesChange = percentChange(now.data.activity.avg_daily_calories, before.data.activity.avg_daily_calories);
  const durationChange = difference(now.data.sleep.avg_sleep_hours, before.data.sleep.avg_sleep_hours, 2);
  const qualityChange = percentChange(now.data.sleep.avg_sleep_quality, before.data.sleep.avg_sleep_quality);
  const weightChange = now.data.weight.avg_weight_change;
  const [current, previous] = [familyScore(now.stats), familyScore(before.stats)];
  const improvement = percentChange(current, previous);
  return {
    activity_trends: {
      steps_trend: direction(stepsChange, STEPS_CALORIES_BAND_PERCENT), steps_change_percent: stepsChange,
      calories_trend: direction(caloriesChange, STEPS_CALORIES_BAND_PERCENT), calories_change_percent: caloriesChange,
    },
    sleep_trends: {
      duration_trend: direction(durationChange, SLEEP_DURATION_BAND_HOURS), duration_change_hours: durationChange,
      quality_trend: direction(qualityChange, QUALITY_BAND_PERCENT, 'improving'), quality_change_percent: qualityChange,
    },
    weight_trends: {
      weight_trend: direction(weightChange, WEIGHT_BAND_KG),
      avg_weekly_change: weightChange === null ? null : round((weightChange * 7) / durationDays, 2),
      family_progress: weightProgress(now.data.weight),
    },
    overall_health_score: {
      current_score: current, previous_score: previous, improvement_percent: improvement,
      trend_direction: direction(improvement, SCORE_BAND_PERCENT, 'improving'),
    },
  };
};
