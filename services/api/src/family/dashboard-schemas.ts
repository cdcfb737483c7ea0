import { z } from 'zod';
import { isoDate, isoDateTime } from '@aurawell/protocol';

/** Request and response shapes of routes 45–48 (contract §2.10). */

const num = z.number().nullable();
const byMember = <T extends z.ZodType>(entry: T) => z.record(z.string(), entry).describe('keyed by member id');
const trendWord = z.enum(['increasing', 'decreasing', 'stable', 'improving']);

/** Route 45 query: all required; their formats are checked by the route (400, contract Decision). */
export const ReportQuery = z.object({
  members: z.string().describe('comma-separated member ids, at most 10'),
  start_date: z.string().describe('YYYY-MM-DD'),
  end_date: z.string().describe('YYYY-MM-DD, not before start_date'),
});

export const ReportAlert = z.object({
  alert_type: z.enum(['low_activity', 'insufficient_sleep', 'significant_weight_change']),
  severity: z.enum(['low', 'medium', 'high']),
  member_id: z.string(),
  message: z.string(),
  recommendation: z.string(),
});

export const AggregatedData = z.object({
  activity: z.object({
    total_steps: z.int(), avg_daily_steps: num, total_calories_burned: z.int(), avg_daily_calories: num, active_days: z.int(),
    by_member: byMember(z.object({ steps: z.int(), calories: z.int(), active_minutes: z.int() })),
  }),
  sleep: z.object({
    avg_sleep_hours: num, total_sleep_sessions: z.int(), avg_sleep_quality: num,
    by_member: byMember(z.object({ avg_duration: num, avg_quality: num, deep_sleep_percentage: num })),
  }),
  weight: z.object({
    avg_weight_change: num, members_losing_weight: z.int(), members_gaining_weight: z.int(),
    by_member: byMember(z.object({ weight_change: num, bmi_change: num })),
  }),
  nutrition: z.object({
    avg_calorie_intake: num, avg_protein_intake: num, avg_carb_intake: num,
    by_member: byMember(z.object({ daily_calories: num, protein_grams: num, carb_grams: num })),
  }),
  heart_rate: z.object({
    avg_resting_hr: num, avg_max_hr: num,
    by_member: byMember(z.object({ resting_hr: num, max_hr: num, avg_hr: num })),
  }),
});

export const ReportTrends = z.object({
  activity_trends: z.object({ steps_trend: trendWord, steps_change_percent: num, calories_trend: trendWord, calories_change_percent: num }),
  sleep_trends: z.object({ duration_trend: trendWord, duration_change_hours: num, quality_trend: trendWord, quality_change_percent: num }),
  weight_trends: z.object({ weight_trend: trendWord, avg_weekly_change: num, family_progress: trendWord }),
  overall_health_score: z.object({ current_score: num, previous_score: num, improvement_percent: num, trend_direction: trendWord }),
});

export const ReportSummary = z.object({
  top_performers: z.object({ most_active: z.string().nullable(), best_sleeper: z.string().nullable(), most_consistent: z.string().nullable() }),
  family_achievements: z.array(z.string()),
  key_insights: z.array(z.string()),
  next_week_focus: z.array(z.string()),
});

/** Route 45 `data`. */
export const HealthReportData = z.object({
  report_id: z.string().describe('report_YYYYMMDD_HHMMSS'),
  generation_time: isoDateTime,
  period: z.object({ start_date: isoDate, end_date: isoDate, duration_days: z.int() }),
  members: z.array(z.string()),
  member_count: z.int(),
  summary: ReportSummary,
  trends: ReportTrends,
  alerts: z.array(ReportAlert),
  aggregated_data: AggregatedData,
  metadata: z.object({ generated_by: z.string(), version: z.literal('3.0.0') }),
});

/** Route 46 query. */
export const LeaderboardQuery = z.object({
  metric: z.enum(['steps', 'calories', 'sleep_quality', 'weight_loss']),
  period: z.enum(['daily', 'weekly', 'monthly']),
});

export const LeaderboardEntry = z.object({
  rank: z.int(), user_id: z.string(), name: z.string(), avatar: z.string().nullable(), value: z.number(),
  percentage: z.number(), change_from_last_period: z.number(), streak_days: z.int(), badges: z.array(z.string()),
});

/** Route 46 `data`. */
export const LeaderboardData = z.object({
  leaderboard_id: z.string().describe('lb_{metric}_{period}_{YYYYMMDD}'),
  metric: z.string(),
  period: z.string(),
  family_id: z.string().nullable(),
  generated_at: isoDateTime,
  rankings: z.array(LeaderboardEntry),
  statistics: z.object({
    average_value: z.number(), highest_value: z.number(), lowest_value: z.number(), total_participants: z.int(),
    period_start: isoDate, period_end: isoDate,
  }),
  metadata: z.object({ total_participants: z.int(), metric_unit: z.string(), update_frequency: z.literal('real-time') }),
});
