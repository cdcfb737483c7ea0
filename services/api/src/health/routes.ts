import type { Logger, TokenService } from '@aurawell/platform';
import type { Queryable } from '@aurawell/db';
import type { Request, Response } from 'express';
import { addDays } from '../dates';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess } from '../http/envelope';
import { queryCheckFailed } from '../http/errors';
import { routeFault } from '../http/route-fault';
import { healthDataQueryErrors, HealthDataQuery } from './query';
import { ActivitySummary, HealthSummaryQuery, HealthSummaryResponse, recordsResponse, SleepSummary } from './schemas';
import { databaseToday, latestDays, listActivity, listSleep, type ActivityDay, type DayRange, type SleepNight } from './store';

export const DAILY_STEP_GOAL = 10000;
export const GOOD_SLEEP_HOURS = 7;

/** One line on steps and one on sleep, for the values that are known (the original's words). */
export const keyInsights = (activity: ActivityDay | null, sleep: SleepNight | null): string[] => {
  const insights: string[] = [];
  const steps = activity?.steps;
  if (steps != null) {
    insights.push(steps >= DAILY_STEP_GOAL ? "Great job! You've reached your daily step goal." : `You're ${DAILY_STEP_GOAL - steps} steps away from your daily goal.`);
  }
  const hours = sleep?.total_sleep_hours;
  if (hours != null) {
    insights.push(hours >= GOOD_SLEEP_HOURS ? 'Excellent sleep duration! Keep it up.' : 'Consider getting more sleep for better health.');
  }
  return insights;
};

export type HealthDeps = { pool: Queryable; tokens: TokenService; logger: Logger };

const getSummary =
  ({ pool, logger }: HealthDeps) =>
  async ({ res, userId, query }: { res: Response; userId: string; query: HealthSummaryQuery }) => {
    const { today, periodStart, activity, sleep } = await latestDays(pool, userId, query.days).catch(
      routeFault(logger, 'Failed to retrieve health summary', { userId }),
    );
    sendSuccess(res, 'Health summary retrieved successfully', null, {
      user_id: userId,
      period_start: periodStart,
      period_end: today,
      activity_summary: activity,
      sleep_summary: sleep,
      average_heart_rate: null,
      weight_trend: null,
      key_insights: keyInsights(activity, sleep),
    });
  };

/** The asked range when both ends are given, else the last 7 days; at most `limit` records. */
const rangeOf = (q: HealthDataQuery, today: string): DayRange => ({
  ...(q.start_date && q.end_date ? { from: q.start_date, to: q.end_date } : { from: addDays(today, -6), to: today }),
  ...(q.limit !== undefined ? { limit: q.limit } : {}),
});

/** Routes 17 and 18: the same query and checks, over activity or sleep records. */
const getRecords =
  <T>({ pool, logger }: HealthDeps, what: 'activity' | 'sleep', list: (db: Queryable, userId: string, range: DayRange) => Promise<T[]>) =>
  async ({ req, res, userId, query }: { req: Request; res: Response; userId: string; query: HealthDataQuery }) => {
    const fail = routeFault(logger, `Failed to retrieve ${what} data`, { userId });
    const today = await databaseToday(pool).catch(fail);
    const errors = healthDataQueryErrors(query, today);
    if (errors.length > 0) throw queryCheckFailed(req.path, errors);
    const data = await list(pool, userId, rangeOf(query, today)).catch(fail);
    sendSuccess(res, `${what === 'activity' ? 'Activity' : 'Sleep'} data retrieved successfully`, data, { user_id: userId, total_records: data.length });
  };

/** Route 16. */
export const healthSummary = (deps: HealthDeps): Endpoint =>
  endpoint(deps.tokens, {
    method: 'get',
    path: '/api/v1/health/summary',
    summary: "The caller's latest day of activity and sleep in the last `days` days, with insights",
    tag: 'health',
    auth: true,
    query: HealthSummaryQuery,
    response: HealthSummaryResponse,
    errors: [500],
    revalidate: true,
    handle: getSummary(deps),
  });

/** Routes 16–18: health summary, activity, sleep (the health goals, 19–21, are in goals/). */
export const healthRoutes = (deps: HealthDeps): Endpoint[] => [
  healthSummary(deps),
  endpoint(deps.tokens, {
    method: 'get',
    path: '/api/v1/health/activity',
    summary: "The caller's daily activity records, newest first",
    tag: 'health',
    auth: true,
    query: HealthDataQuery,
    response: recordsResponse(ActivitySummary),
    errors: [500],
    revalidate: true,
    handle: getRecords(deps, 'activity', listActivity),
  }),
  endpoint(deps.tokens, {
    method: 'get',
    path: '/api/v1/health/sleep',
    summary: "The caller's nightly sleep records, newest first",
    tag: 'health',
    auth: true,
    query: HealthDataQuery,
    response: recordsResponse(SleepSummary),
    errors: [500],
    revalidate: true,
    handle: getRecords(deps, 'sleep', listSleep),
  }),
];
