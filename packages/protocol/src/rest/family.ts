import { z } from 'zod';
import { isoDateTime } from './dates';
import { envelopeOf } from './envelope';

/** Contract §2.0 family objects: the ones clients list (`GET /api/v1/family`, `…/{family_id}/members`). */
export const FamilyRole = z.enum(['owner', 'manager', 'viewer']);

export const FamilyInfo = z.object({
  family_id: z.string().describe('UUID'),
  name: z.string(),
  owner_id: z.string(),
  description: z.string().nullable(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
  member_count: z.int(),
  is_active: z.boolean(),
});
export const FamilyListResponse = envelopeOf(z.array(FamilyInfo));

export const FamilyMember = z.object({
  user_id: z.string(),
  username: z.string(),
  display_name: z.string().nullable(),
  email: z.string().nullable(),
  role: FamilyRole,
  joined_at: isoDateTime,
  last_active: isoDateTime.nullable(),
  is_active: z.boolean(),
});
export const FamilyMembersResponse = envelopeOf(z.array(FamilyMember));

export type FamilyRole = z.infer<typeof FamilyRole>;
export type FamilyInfo = z.infer<typeof FamilyInfo>;
export type FamilyListResponse = z.infer<typeof FamilyListResponse>;
export type FamilyMember = z.infer<typeof FamilyMember>;
export type FamilyMembersResponse = z.infer<typeof FamilyMembersResponse>;
