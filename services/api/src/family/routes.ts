import type { TokenService } from '@aurawell/platform';
import { envelopeOf, FamilyInfo, FamilyListResponse, FamilyMembersResponse } from '@aurawell/protocol';
import { z } from 'zod';
import { endpoint, type Endpoint } from '../http/endpoint';
import { CreateChallengeData, CreateChallengeRequest, FamilyChallengesData } from './challenge-schemas';
import { createChallenge, getChallenges, getLeaderboard } from './dashboard-handlers';
import { HealthReportData, LeaderboardData, LeaderboardQuery, ReportQuery } from './dashboard-schemas';
import { createFamily, getFamily, getPermissions, listFamilies, listMembers, type FamilyDeps } from './family-handlers';
import { acceptInvitation, declineInvitation, inviteMember } from './invitation-handlers';
import { generateReport } from './report-handler';
import {
  AcceptInviteRequest, ActiveMemberInfo, DeclineInviteRequest, FamilyCreateRequest, FamilyIdParams, FamilyPermissionInfo,
  InviteData, InviteMemberRequest, SwitchMemberRequest,
} from './schemas';
import { switchMember } from './switch-member';

export type FamilyRouteDeps = FamilyDeps & { tokens: TokenService };

const tag = 'family';

/** Routes 36, 37, 40, 41, 44: the caller's families, invitations to them, and switch-member. */
const callerEndpoints = (deps: FamilyRouteDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'post', path: '/api/v1/family', tag, auth: true,
    summary: 'Create a family with the caller as owner (at most 3 owned families)',
    body: FamilyCreateRequest, response: envelopeOf(FamilyInfo), errors: [400, 409, 500],
    handle: createFamily(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/family', tag, auth: true,
    summary: 'Every family the caller belongs to',
    response: FamilyListResponse, errors: [500], revalidate: true,
    handle: listFamilies(deps),
  }),
  endpoint(deps.tokens, {
    method: 'post', path: '/api/v1/family/invitation/accept', tag, auth: true,
    summary: 'Accept an invitation by its code and join the family',
    body: AcceptInviteRequest, response: envelopeOf(FamilyInfo), errors: [400, 403, 404, 409],
    handle: acceptInvitation(deps),
  }),
  endpoint(deps.tokens, {
    method: 'post', path: '/api/v1/family/invitation/decline', tag, auth: true,
    summary: 'Decline an invitation by its code',
    body: DeclineInviteRequest, response: envelopeOf(z.null()), errors: [400, 403, 404],
    handle: declineInvitation(deps),
  }),
  endpoint(deps.tokens, {
    method: 'post', path: '/api/v1/family/switch-member', tag, auth: true,
    summary: "Act for another member of a family (same check as the WebSocket's switch_member)",
    body: SwitchMemberRequest, response: envelopeOf(ActiveMemberInfo), errors: [404, 500],
    handle: switchMember(deps),
  }),
];

/** Routes 38, 39, 42, 43: one family, its invitations, members and the caller's permissions. */
const oneFamilyEndpoints = (deps: FamilyRouteDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/family/{family_id}', tag, auth: true,
    summary: 'One family the caller belongs to',
    params: FamilyIdParams, response: envelopeOf(FamilyInfo), errors: [403, 404], revalidate: true,
    handle: getFamily(deps),
  }),
  endpoint(deps.tokens, {
    method: 'post', path: '/api/v1/family/{family_id}/invite', tag, auth: true,
    summary: 'Invite a registered user by email (owner or manager); the invitation lasts 72 hours',
    params: FamilyIdParams, body: InviteMemberRequest, response: envelopeOf(InviteData), errors: [400, 403, 404, 409],
    handle: inviteMember(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/family/{family_id}/members', tag, auth: true,
    summary: "The family's active members",
    params: FamilyIdParams, response: FamilyMembersResponse, errors: [403], revalidate: true,
    handle: listMembers(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/family/{family_id}/permissions', tag, auth: true,
    summary: "The caller's role and rights in the family (404 for a non-member)",
    params: FamilyIdParams, response: envelopeOf(FamilyPermissionInfo), errors: [404], revalidate: true,
    handle: getPermissions(deps),
  }),
];

const dashboardTag = 'family-dashboard';

/** Routes 45–48: family report, leaderboard, challenges. Members only (403 otherwise). */
const dashboardEndpoints = (deps: FamilyRouteDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/family/{family_id}/report', tag: dashboardTag, auth: true,
    summary: "Health report over the members' stored records, with trends against the previous period and alerts",
    params: FamilyIdParams, query: ReportQuery, response: envelopeOf(HealthReportData), errors: [400, 403, 500],
    revalidate: { stamps: ['report_id', 'generation_time'] },
    handle: generateReport(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/family/{family_id}/leaderboard', tag: dashboardTag, auth: true,
    summary: "Members ranked on steps, calories burned, sleep quality or weight lost over today, this week or this month",
    params: FamilyIdParams, query: LeaderboardQuery, response: envelopeOf(LeaderboardData), errors: [403, 500],
    revalidate: { stamps: ['generated_at'] },
    handle: getLeaderboard(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/family/{family_id}/challenges', tag: dashboardTag, auth: true,
    summary: "The family's challenges, split into active, completed and upcoming, with progress from the participants' records",
    params: FamilyIdParams, response: envelopeOf(FamilyChallengesData), errors: [403, 500],
    revalidate: { stamps: ['retrieved_at'] },
    handle: getChallenges(deps),
  }),
  endpoint(deps.tokens, {
    method: 'post', path: '/api/v1/family/{family_id}/challenges', tag: dashboardTag, auth: true,
    summary: 'Create a family challenge (owner or manager)',
    params: FamilyIdParams, body: CreateChallengeRequest, response: envelopeOf(CreateChallengeData), errors: [400, 403, 500],
    handle: createChallenge(deps),
  }),
];

/** Routes 36–48: the family and its dashboard. */
export const familyRoutes = (deps: FamilyRouteDeps): Endpoint[] => [...callerEndpoints(deps), ...oneFamilyEndpoints(deps), ...dashboardEndpoints(deps)];
