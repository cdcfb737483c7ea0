import type { Queryable } from './pool';

/**
 * May `userId` act for `memberId` (see their data, chat on their behalf)? Yes for oneself, and for
 * anyone who shares an active family with the user. The REST `switch-member` and the gateway's
 * `switch_member` both ask exactly this.
 */
export const canActForMember = async (db: Queryable, userId: string, memberId: string): Promise<boolean> => {
  if (userId === memberId) return true;
  const { rowCount } = await db.query(
    `SELECT 1 FROM family_members me
       JOIN family_members them ON them.family_id = me.family_id
       JOIN families f ON f.id = me.family_id
     WHERE me.user_id = $1 AND them.user_id = $2 AND me.is_active AND them.is_active AND f.is_active
     LIMIT 1`,
    [userId, memberId],
  );
  return (rowCount ?? 0) > 0;
};
