import { z } from 'zod';
import { FamilyRole, isoDateTime } from '@aurawell/protocol';

/** Request and response shapes of routes 36–44 (contract §2.9). */

/** Contract §2.0 family objects (routes 36–44); `FamilyInfo` and `FamilyMember` are in @aurawell/protocol. */
export const InviteInfo = z.object({
  invite_id: z.string().describe('UUID'),
  family_id: z.string(),
  family_name: z.string(),
  inviter_id: z.string(),
  inviter_name: z.string(),
  invitee_email: z.string(),
  role: FamilyRole,
  status: z.enum(['pending', 'accepted', 'declined', 'expired']),
  message: z.string().nullable(),
  created_at: isoDateTime,
  expires_at: isoDateTime.describe('created_at + 72 h'),
  responded_at: isoDateTime.nullable(),
});

/** Route 43 `data`. */
export const FamilyPermissionInfo = z.object({
  family_id: z.string(),
  user_id: z.string(),
  role: FamilyRole,
  permissions: z.array(z.string()),
  can_invite_members: z.boolean(),
  can_remove_members: z.boolean(),
  can_view_all_data: z.boolean(),
  can_modify_family_settings: z.boolean(),
  can_delete_family: z.boolean(),
});

/** Contract §2.0 vocabulary: `local@domain.tld`. */
export const EMAIL_PATTERN = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;

export const FamilyIdParams = z.object({ family_id: z.string() });

/** Route 36 body. */
export const FamilyCreateRequest = z.object({
  name: z.string().trim().min(1).max(100),
  description: z.string().trim().max(500).nullable().optional(),
});

/** Route 39 body. */
export const InviteMemberRequest = z.object({
  email: z.string().regex(EMAIL_PATTERN),
  role: FamilyRole.default('viewer'),
  message: z.string().max(500).nullable().optional(),
});

/** Route 40 body. */
export const AcceptInviteRequest = z.object({ invite_code: z.string().min(1) });

/** Route 41 body. */
export const DeclineInviteRequest = z.object({
  invite_code: z.string().min(1),
  reason: z.string().max(200).nullable().optional(),
});

/** Route 44 body. */
export const SwitchMemberRequest = z.object({
  family_id: z.string().trim().min(1),
  member_id: z.string().trim().min(1),
});

/** Route 39 `data`: InviteInfo plus the code (contract Decision). */
export const InviteData = InviteInfo.extend({ invite_code: z.string().describe('16 upper-case hex characters') });

/** Route 44 `data`: ActiveMemberInfo plus the fields the original route body built (contract Decision). */
export const ActiveMemberInfo = z.object({
  member_id: z.string(),
  user_id: z.string(),
  family_id: z.string(),
  username: z.string(),
  display_name: z.string().nullable(),
  role: FamilyRole.describe("the member's role in the family"),
  permissions: z.array(z.string()).describe("the member's permissions in the family"),
  data_access_level: z.enum(['full', 'limited', 'basic']).describe("what the caller sees of the member's data"),
  switched_at: isoDateTime,
  member_name: z.string(),
  access_level: z.enum(['full', 'limited', 'basic']),
  isolation_key: z.string().describe('{caller_id}:{member_id}'),
});
