import { hasPermission, PERMISSIONS_BY_ROLE, type FamilyRole } from '@aurawell/db';
import type { z } from 'zod';
import type { FamilyPermissionInfo } from './schemas';

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
