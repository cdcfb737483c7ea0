import type { Queryable } from './pool';

/**
 * May `userId` act for `memberId` (see their data, chat on their behalf)? Yes for oneself, and for
 * anyone who shares an active family with the user. The gateway's `switch_member` asks this without
 * a family; the REST `switch-member` passes `familyId`, which narrows the check to THAT family
 * (both must be active members of it, oneself included).
 */
export const canActForMember = async (
  db: Queryable,
  userId: string,
  memberId: string,
  opts: { familyId?: string } = {},
): Promise<boolean> => {
  if (userId === memberId && opts.familyId === undefined) return true;
  // family_id compared as text so a malformed id is simply "not that family", never a cast error.
  const { rowCount } = await db.query(
    `SELECT 1 FROM family_members me
       JOIN family_members them ON them.family_id = me.family_id
       JOIN families f ON f.id = me.family_id
     WHERE me.user_id = $1 AND them.user_id = $2 AND me.is_active AND them.is_active AND f.is_active
       AND ($3::text IS NULL OR me.family_id::text = lower($3::text))
     LIMIT 1`,
    [userId, memberId, opts.familyId ?? null],
  );
  return (rowCount ?? 0) > 0;
};
