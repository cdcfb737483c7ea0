import { envelopeOf, FamilyInfo, FamilyListResponse, FamilyMembersResponse } from '@aurawell/protocol';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { createFamily, getFamily, getPermissions, listFamilies, listMembers } from '../family/family-handlers';
import { acceptInvitation, declineInvitation, inviteMember } from '../family/invitation-handlers';
import {
  AcceptInviteRequest, ActiveMemberInfo, DeclineInviteRequest, FamilyCreateRequest, FamilyIdParams, InviteData,
  InviteMemberRequest, SwitchMemberRequest,
} from '../family/schemas';
import { switchMember } from '../family/switch-member';
import { endpoint, type Endpoint } from '../http/endpoint';
import { FamilyPermissionInfo } from '../http/schemas';

const tag = 'family';

/** Routes 36–44: families, members, invitations, permissions, switch-member. */
export const familyRoutes = (deps: AppDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'post', path: '/api/v1/family', tag, auth: true,
    summary: 'Create a family with the caller as owner (at most 3 owned families)',
    body: FamilyCreateRequest, response: envelopeOf(FamilyInfo), errors: [400, 409, 500],
    handle: createFamily(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/family', tag, auth: true,
    summary: 'Every family the caller belongs to',
    response: FamilyListResponse, errors: [500],
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
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/family/{family_id}', tag, auth: true,
    summary: 'One family the caller belongs to',
    params: FamilyIdParams, response: envelopeOf(FamilyInfo), errors: [403, 404],
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
    params: FamilyIdParams, response: FamilyMembersResponse, errors: [403],
    handle: listMembers(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/family/{family_id}/permissions', tag, auth: true,
    summary: "The caller's role and rights in the family (404 for a non-member)",
    params: FamilyIdParams, response: envelopeOf(FamilyPermissionInfo), errors: [404],
    handle: getPermissions(deps),
  }),
];
