import type { Queryable } from './pool';

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

const rolesWith = (permission: FamilyPermission): FamilyRole[] =>
  (Object.keys(PERMISSIONS_BY_ROLE) as FamilyRole[]).filter((role) => hasPermission(role, permission));

/**
 * May `userId` act for `memberId`? Always for oneself. For another person, the user must share an
 * active family with them in which the user's role grants `permission`: `view_all_data` (see their
 * data, chat about them: every role) unless told otherwise; writes on their behalf ask for
 * `modify_family_data` (owners and managers, not viewers). The gateway's `switch_member` asks this
 * without a family; the REST `switch-member` passes `familyId`, which narrows the check to THAT
 * family (both must be active members of it, oneself included).
 * A failing query throws: callers deny on any error, never skip the check.
 */
export const canActForMember = async (
  db: Queryable,
  userId: string,
  memberId: string,
  opts: { familyId?: string; permission?: FamilyPermission } = {},
): Promise<boolean> => {
  if (userId === memberId && opts.familyId === undefined) return true;
  // family_id compared as text so a malformed id is simply "not that family", never a cast error.
  const { rowCount } = await db.query(
    `SELECT 1 FROM family_members me
       JOIN family_members them ON them.family_id = me.family_id
       JOIN families f ON f.id = me.family_id
     WHERE me.user_id = $1 AND them.user_id = $2 AND me.is_active AND them.is_active AND f.is_active
       AND ($3::text IS NULL OR me.family_id::text = lower($3::text))
       AND (me.user_id = them.user_id OR me.role = ANY($4::text[]))
     LIMIT 1`,
    [userId, memberId, opts.familyId ?? null, rolesWith(opts.permission ?? 'view_all_data')],
  );
  return (rowCount ?? 0) > 0;
};
