import { envelopeOf } from '@aurawell/protocol';
import type { AppDeps } from '../app';
import { CreateChallengeData, CreateChallengeRequest, FamilyChallengesData } from '../family/challenge-schemas';
import { createChallenge, getChallenges, getLeaderboard } from '../family/dashboard-handlers';
import { HealthReportData, LeaderboardData, LeaderboardQuery, ReportQuery } from '../family/dashboard-schemas';
import { generateReport } from '../family/report-handler';
import { FamilyIdParams } from '../family/schemas';
import { endpoint, type Endpoint } from '../http/endpoint';

const tag = 'family-dashboard';

/** Routes 45–48: family report, leaderboard, challenges. Members only (403 otherwise). */
export const familyDashboardRoutes = (deps: AppDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/family/{family_id}/report', tag, auth: true,
    summary: "Health report over the members' stored records, with trends against the previous period and alerts",
    params: FamilyIdParams, query: ReportQuery, response: envelopeOf(HealthReportData), errors: [400, 403, 500],
    handle: generateReport(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/family/{family_id}/leaderboard', tag, auth: true,
    summary: "Members ranked on steps, calories burned, sleep quality or weight lost over today, this week or this month",
    params: FamilyIdParams, query: LeaderboardQuery, response: envelopeOf(LeaderboardData), errors: [403, 500],
    handle: getLeaderboard(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/family/{family_id}/challenges', tag, auth: true,
    summary: "The family's challenges, split into active, completed and upcoming, with progress from the participants' records",
    params: FamilyIdParams, response: envelopeOf(FamilyChallengesData), errors: [403, 500],
    handle: getChallenges(deps),
  }),
  endpoint(deps.tokens, {
    method: 'post', path: '/api/v1/family/{family_id}/challenges', tag, auth: true,
    summary: 'Create a family challenge (owner or manager)',
    params: FamilyIdParams, body: CreateChallengeRequest, response: envelopeOf(CreateChallengeData), errors: [400, 403, 500],
    handle: createChallenge(deps),
  }),
];
