import type { z } from 'zod';
import type { FamilyPermissionInfo } from '../http/schemas';

export type FamilyRole = 'owner' | 'manager' | 'viewer';

export type FamilyPermission =
  | 'invite_members'
  | 'remove_members'
  | 'modify_family_settings'
  | 'view_all_data'
  | 'modify_family_data'
  | 'delete_family'
  | 'change_member_roles'
  | 'transfer_ownership';

/** Contract §2.0, FamilyPermissionInfo table: what each role may do, in the contract's order. */
export const PERMISSIONS_BY_ROLE: Readonly<Record<FamilyRole, readonly FamilyPermission[]>> = {
  owner: [
    'invite_members', 'remove_members', 'modify_family_settings', 'view_all_data',
    'modify_family_data', 'delete_family', 'change_member_roles', 'transfer_ownership',
  ],
  manager: ['invite_members', 'remove_members', 'view_all_data', 'modify_family_data'],
  viewer: ['view_all_data'],
};

export const hasPermission = (role: FamilyRole, permission: FamilyPermission): boolean =>
  PERMISSIONS_BY_ROLE[role].includes(permission);

/** Route 43 `data` for a member with `role`. */
export const permissionInfo = (familyId: string, userId: string, role: FamilyRole): z.infer<typeof FamilyPermissionInfo> => ({
  family_id: familyId,
  user_id: userId,
  role,
  permissions: [...PERMISSIONS_BY_ROLE[role]],
  can_invite_members: hasPermission(role, 'invite_members'),
  can_remove_members: hasPermission(role, 'remove_members'),
  can_view_all_data: hasPermission(role, 'view_all_data'),
  can_modify_family_settings: hasPermission(role, 'modify_family_settings'),
  can_delete_family: hasPermission(role, 'delete_family'),
});

/** Route 44: how much of a member's data the caller sees (contract: self or owner full, manager limited, viewer basic). */
export const dataAccessLevel = (callerId: string, memberId: string, callerRole: FamilyRole): 'full' | 'limited' | 'basic' => {
  if (callerId === memberId || callerRole === 'owner') return 'full';
  return callerRole === 'manager' ? 'limited' : 'basic';
};
