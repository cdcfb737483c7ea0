import type { z } from 'zod';
import type { DayRecord } from './store/metrics';
import type { HealthReportData } from './dashboard-schemas';
import { addDays, compactStamp, daysBetween } from '../dates';
import { lastWeightBefore, memberStats, within, type MemberPeriod } from './member-stats';
import { aggregate, alertsFor } from './report-aggregates';
import { summaryOf } from './report-summary';
import { trendsOf } from './report-trends';

export type HealthReport = z.infer<typeof HealthReportData>;

export type ReportInput = {
  memberIds: string[];
  start: string;
  end: string;
  callerId: string;
  now: Date;
  /** Each member's records from the start of the previous period to `end`. */
  records: ReadonlyMap<string, DayRecord[]>;
  /** Each member's last weight before the previous period. */
  earlierWeights: ReadonlyMap<string, number>;
  heights: ReadonlyMap<string, number>;
  names: ReadonlyMap<string, string>;
};

/** The period of equal length just before `start`. */
export const previousPeriod = (start: string, end: string): { start: string; end: string; durationDays: number } => {
  const durationDays = daysBetween(start, end) + 1;
  return { start: addDays(start, -durationDays), end: addDays(start, -1), durationDays };
};

const periodsOf = (input: ReportInput, from: string, to: string): MemberPeriod[] =>
  input.memberIds.map((userId) => {
    const all = input.records.get(userId) ?? [];
    return {
      userId,
      heightCm: input.heights.get(userId) ?? null,
      days: within(all, from, to),
      weightBaseline: lastWeightBefore(all, from, input.earlierWeights.get(userId) ?? null),
    };
  });

/** Route 45 `data`: the members' stored records over the period, against the previous period. */
export const buildReport = (input: ReportInput): HealthReport => {
  const previous = previousPeriod(input.start, input.end);
  const nowPeriods = periodsOf(input, input.start, input.end);
  const nowStats = nowPeriods.map(memberStats);
  const nowData = aggregate(nowPeriods, nowStats);
  const beforePeriods = periodsOf(input, previous.start, previous.end);
  const beforeStats = beforePeriods.map(memberStats);
  const trends = trendsOf({ data: nowData, stats: nowStats }, { data: aggregate(beforePeriods, beforeStats), stats: beforeStats }, previous.durationDays);
  const alerts = alertsFor(nowStats);
  return {
    report_id: `report_${compactStamp(input.now)}`,
    generation_time: input.now.toISOString(),
    period: { start_date: input.start, end_date: input.end, duration_days: previous.durationDays },
    members: input.memberIds,
    member_count: input.memberIds.length,
    summary: summaryOf(nowData, nowStats, trends, alerts, input.names),
    trends,
    alerts,
    aggregated_data: nowData,
    metadata: { generated_by: input.callerId, version: '3.0.0' },
  };
};
