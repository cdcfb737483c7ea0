import { hasPermission, type FamilyPermission, type Queryable } from '@aurawell/db';
import { HttpError } from '../http/errors';
import { findMembership, type Membership } from './store/families';

export const NOT_A_MEMBER = 'You are not a member of this family';

/**
 * The caller's membership of `familyId`, or `onMissing()` thrown (403 on most routes; 404 on route 43).
 * A family that does not exist answers the same as one the caller is not in.
 */
export const requireMembership = async (
  db: Queryable,
  familyId: string,
  userId: string,
  onMissing: () => HttpError = () => new HttpError(403, NOT_A_MEMBER),
): Promise<Membership> => {
  const membership = await findMembership(db, familyId, userId);
  if (!membership) throw onMissing();
  return membership;
};

/** Membership plus one right; a member without it gets 403 `message` (routes 39, 45–48). */
export const requirePermission = async (
  db: Queryable,
  familyId: string,
  userId: string,
  permission: FamilyPermission,
  message: string,
): Promise<Membership> => {
  const membership = await requireMembership(db, familyId, userId);
  if (!hasPermission(membership.role, permission)) throw new HttpError(403, message);
  return membership;
};
