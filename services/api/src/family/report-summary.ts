import type { z } from 'zod';
import type { ReportSummary } from './dashboard-schemas';
import type { MemberStats } from './member-stats';
import type { Aggregated, Alert } from './report-aggregates';
import type { Trends } from './report-trends';

export type Summary = z.infer<typeof ReportSummary>;

/** The member with the best value (`better(a, b)` says a beats b); null when nobody has one. */
const best = (stats: readonly MemberStats[], value: (s: MemberStats) => number | null, better: (a: number, b: number) => boolean): string | null => {
  let winner: { id: string; value: number } | null = null;
  for (const s of stats) {
    const v = value(s);
    if (v !== null && (winner === null || better(v, winner.value))) winner = { id: s.userId, value: v };
  }
  return winner?.id ?? null;
};

const achievements = (data: Aggregated, stats: readonly MemberStats[], names: ReadonlyMap<string, string>): string[] => {
  const out: string[] = [];
  if (data.activity.total_steps > 0) out.push(`The family walked ${data.activity.total_steps.toLocaleString('en-US')} steps together`);
  for (const s of stats) {
    if ((s.avgSteps ?? 0) >= 10_000) out.push(`${names.get(s.userId) ?? s.userId} averaged over 10,000 steps a day`);
  }
  if ((data.sleep.avg_sleep_hours ?? 0) >= 7) out.push('The family averaged at least 7 hours of sleep a night');
  return out;
};

const changeWords = (percent: number | null, what: string): string | null =>
  percent === null ? null : `${what} ${percent >= 0 ? 'rose' : 'fell'} by ${Math.abs(percent)}% compared with the previous period`;

const insights = (data: Aggregated, trends: Trends): string[] => {
  if (data.activity.total_steps === 0 && data.sleep.total_sleep_sessions === 0) return ['No activity or sleep records in this period'];
  const out = [
    changeWords(trends.activity_trends.steps_change_percent, 'Average daily steps'),
    changeWords(trends.sleep_trends.quality_change_percent, 'Average sleep quality'),
    changeWords(trends.overall_health_score.improvement_percent, 'The family health score'),
  ].filter((s): s is string => s !== null);
  const hours = data.sleep.avg_sleep_hours;
  if (hours !== null) out.push(`Members slept ${hours} hours a night on average`);
  return out;
};

const FOCUS_BY_ALERT: Record<Alert['alert_type'], string> = {
  low_activity: 'Increase daily activity for the members below 5,000 steps',
  insufficient_sleep: 'Improve sleep duration for the members sleeping under 6.5 hours',
  significant_weight_change: 'Keep an eye on the significant weight changes',
};

const focus = (alerts: readonly Alert[]): string[] => {
  const kinds = [...new Set(alerts.map((a) => a.alert_type))];
  return kinds.length ? kinds.map((k) => FOCUS_BY_ALERT[k]) : ['Keep up the current healthy habits'];
};

/** Route 45 `summary`, derived from the period's figures, trends and alerts. */
export const summaryOf = (
  data: Aggregated,
  stats: readonly MemberStats[],
  trends: Trends,
  alerts: readonly Alert[],
  names: ReadonlyMap<string, string>,
): Summary => ({
  top_performers: {
    most_active: best(stats, (s) => s.avgSteps, (a, b) => a > b),
    best_sleeper: best(stats, (s) => s.avgSleepQuality, (a, b) => a > b),
    most_consistent: best(stats, (s) => s.stepsVariation, (a, b) => a < b),
  },
  family_achievements: achievements(data, stats, names),
  key_insights: insights(data, trends),
  next_week_focus: focus(alerts),
});
