import type { z } from 'zod';
import type { DayRecord } from './store/metrics';
import type { LeaderboardData, LeaderboardQuery } from './dashboard-schemas';
import { addDays, daysBetween, firstOfMonth, mondayOf } from '../dates';
import { lastWeightBefore, weightChange, within } from './member-stats';
import { mean, percentChange, present, round, sum } from './stats';

export type Metric = z.infer<typeof LeaderboardQuery>['metric'];
export type Period = z.infer<typeof LeaderboardQuery>['period'];
export type Leaderboard = z.infer<typeof LeaderboardData>;
type Entry = Leaderboard['rankings'][number];

export const METRIC_UNITS: Record<Metric, string> = { steps: '步', calories: '卡路里', sleep_quality: '分', weight_loss: '公斤' };

/** A day counts toward a streak when it meets the metric's daily goal (weight: not above the day before). */
export const DAILY_GOALS = { steps: 8000, calories: 400, sleep_quality: 85 } as const;
/** How far back a streak is followed. */
export const STREAK_LOOKBACK_DAYS = 90;
export const STREAK_MASTER_DAYS = 7;
export const RISING_STAR_PERCENT = 20;
export const NEWCOMER_DAYS = 7;

/** The contract's period: today; this week from Monday; this month from the 1st. Always ending today. */
export const periodStart = (period: Period, today: string): string =>
  period === 'daily' ? today : period === 'weekly' ? mondayOf(today) : firstOfMonth(today);

export type Participant = {
  userId: string;
  name: string;
  joinedDay: string;
  /** Records from `recordsFrom(...)` to today. */
  records: DayRecord[];
  /** Last weight before those records begin. */
  earlierWeight: number | null;
};

/** The first day whose records the leaderboard needs: two earlier periods and the streak lookback. */
export const recordsFrom = (period: Period, today: string): string => {
  const start = periodStart(period, today);
  const length = daysBetween(start, today) + 1;
  const twoBack = addDays(start, -2 * length);
  const lookback = addDays(today, -(STREAK_LOOKBACK_DAYS - 1));
  return twoBack < lookback ? twoBack : lookback;
};

/** The metric over one window: total steps or calories burned, mean sleep efficiency, kg lost. */
export const metricValue = (metric: Metric, p: Participant, from: string, to: string): number => {
  const days = within(p.records, from, to);
  switch (metric) {
    case 'steps':
      return sum(present(days, 'steps'));
    case 'calories':
      return sum(present(days, 'calories_burned'));
    case 'sleep_quality':
      return round(mean(present(days, 'sleep_efficiency')) ?? 0, 1);
    case 'weight_loss': {
      const change = weightChange(lastWeightBefore(p.records, from, p.earlierWeight), days);
      return change === null ? 0 : round(-change, 2) + 0; // + 0 turns -0 into 0
    }
  }
};

const meetsGoal = (metric: Metric, day: DayRecord | undefined, dayBefore: DayRecord | undefined): boolean => {
  if (!day) return false;
  if (metric === 'steps') return (day.steps ?? 0) >= DAILY_GOALS.steps;
  if (metric === 'calories') return (day.calories_burned ?? 0) >= DAILY_GOALS.calories;
  if (metric === 'sleep_quality') return (day.sleep_efficiency ?? 0) >= DAILY_GOALS.sleep_quality;
  return day.weight_kg !== null && dayBefore?.weight_kg != null && day.weight_kg <= dayBefore.weight_kg;
};

const METRIC_FIELD = { steps: 'steps', calories: 'calories_burned', sleep_quality: 'sleep_efficiency', weight_loss: 'weight_kg' } as const;

const recorded = (metric: Metric, day: DayRecord | undefined): boolean => day !== undefined && day[METRIC_FIELD[metric]] !== null;

/** Days in a row meeting the daily goal, ending today (or yesterday, when today is not yet recorded). */
export const streakDays = (metric: Metric, records: readonly DayRecord[], today: string): number => {
  const byDay = new Map(records.map((r) => [r.day, r]));
  const at = (day: string) => byDay.get(day);
  let day = recorded(metric, at(today)) ? today : addDays(today, -1);
  let streak = 0;
  while (streak < STREAK_LOOKBACK_DAYS && meetsGoal(metric, at(day), at(addDays(day, -1)))) {
    streak += 1;
    day = addDays(day, -1);
  }
  return streak;
};

type Scored = { p: Participant; value: number; previous: number; beforePrevious: number; activeMinutes: number; streak: number };

const badgesOf = (s: Scored, rank: number, change: number, topMinutes: number, today: string): string[] => {
  const badges: string[] = [];
  if (rank === 1 && s.value > 0) badges.push('top_performer');
  if (s.streak >= STREAK_MASTER_DAYS) badges.push('streak_master');
  if (change >= RISING_STAR_PERCENT) badges.push('rising_star');
  if (s.value > s.previous && s.previous > s.beforePrevious) badges.push('consistent_improver');
  if (topMinutes > 0 && s.activeMinutes === topMinutes) badges.push('effort_champion');
  if (daysBetween(s.p.joinedDay, today) < NEWCOMER_DAYS) badges.push('newcomer');
  return badges;
};

const score = (metric: Metric, p: Participant, start: string, today: string): Scored => {
  const length = daysBetween(start, today) + 1;
  const [prevStart, prev2Start] = [addDays(start, -length), addDays(start, -2 * length)];
  return {
    p,
    value: metricValue(metric, p, start, today),
    previous: metricValue(metric, p, prevStart, addDays(start, -1)),
    beforePrevious: metricValue(metric, p, prev2Start, addDays(prevStart, -1)),
    activeMinutes: sum(present(within(p.records, start, today), 'active_minutes')),
    streak: streakDays(metric, p.records, today),
  };
};

/** Ranks by value (desc), ties by user id; percentages against the leader. */
export const rankings = (metric: Metric, participants: readonly Participant[], start: string, today: string): Entry[] => {
  const scored = participants.map((p) => score(metric, p, start, today));
  scored.sort((a, b) => b.value - a.value || a.p.userId.localeCompare(b.p.userId));
  const top = scored[0]?.value ?? 0;
  const topMinutes = Math.max(0, ...scored.map((s) => s.activeMinutes));
  return scored.map((s, i) => {
    const change = percentChange(s.value, s.previous) ?? 0;
    return {
      rank: i + 1, user_id: s.p.userId, name: s.p.name, avatar: null, value: s.value,
      percentage: top > 0 ? round((Math.max(s.value, 0) / top) * 100, 1) : 0,
      change_from_last_period: change, streak_days: s.streak, badges: badgesOf(s, i + 1, change, topMinutes, today),
    };
  });
};

/** Route 46 `data`. */
export const buildLeaderboard = (o: { familyId: string; metric: Metric; period: Period; today: string; now: Date; participants: readonly Participant[] }): Leaderboard => {
  const start = periodStart(o.period, o.today);
  const ranked = rankings(o.metric, o.participants, start, o.today);
  const values = ranked.map((r) => r.value);
  return {
    leaderboard_id: `lb_${o.metric}_${o.period}_${o.today.replace(/-/g, '')}`,
    metric: o.metric,
    period: o.period,
    family_id: o.familyId,
    generated_at: o.now.toISOString(),
    rankings: ranked,
    statistics: {
      average_value: round(mean(values) ?? 0, 2), highest_value: values.length ? Math.max(...values) : 0,
      lowest_value: values.length ? Math.min(...values) : 0, total_participants: ranked.length, period_start: start, period_end: o.today,
    },
    metadata: { total_participants: ranked.length, metric_unit: METRIC_UNITS[o.metric], update_frequency: 'real-time' },
  };
};
