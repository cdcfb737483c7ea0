import { hasPermission, withTransaction, type Queryable } from '@aurawell/db';
import type { Response } from 'express';
import type { z } from 'zod';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { addMember, findFamily } from './store/families';
import {
  emailsOfUser, expireStaleInvitations, findInvitationByCodeForUpdate, findInvitationById, findUserIdByEmail,
  hasPendingInvitation, insertInvitation, isActiveMember, setInvitationStatus, type Invitation,
} from './store/invitations';
import { requireMembership } from './access';
import type { FamilyDeps } from './family-handlers';
import type { AcceptInviteRequest, DeclineInviteRequest, InviteMemberRequest } from './schemas';

const PG_UNIQUE_VIOLATION = '23505';
const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === PG_UNIQUE_VIOLATION;

const pendingExists = () => new HttpError(409, 'A pending invitation already exists for this email');

type InviteCtx = { res: Response; userId: string; params: { family_id: string }; body: z.output<typeof InviteMemberRequest> };

/** Route 39: 403 (not owner/manager, non-members included) → 404 (inactive family) → 400 (no such user) → 409. */
export const inviteMember =
  ({ pool, logger }: FamilyDeps) =>
  async ({ res, userId, params, body }: InviteCtx) => {
    const denied = () => new HttpError(403, 'Insufficient permissions to invite members');
    const membership = await requireMembership(pool, params.family_id, userId, denied);
    if (!hasPermission(membership.role, 'invite_members')) throw denied();
    // Only an owner may make another owner; a manager could otherwise raise anyone above themselves.
    if (body.role === 'owner' && membership.role !== 'owner') throw new HttpError(403, 'Only an owner can invite an owner');
    if (!membership.familyActive) throw new HttpError(404, 'Family not found');
    const familyId = params.family_id.toLowerCase();
    const inviteeId = await findUserIdByEmail(pool, body.email);
    if (!inviteeId) throw new HttpError(400, 'No registered user with this email');
    const { id } = await withTransaction(pool, async (tx) => {
      if (await isActiveMember(tx, familyId, inviteeId)) throw new HttpError(409, 'User is already a member of this family');
      await expireStaleInvitations(tx, familyId);
      if (await hasPendingInvitation(tx, familyId, body.email)) throw pendingExists();
      const invitation = { familyId, inviterId: userId, email: body.email, role: body.role, message: body.message ?? null };
      return insertInvitation(tx, invitation).catch((err: unknown) => {
        throw isUniqueViolation(err) ? pendingExists() : err;
      });
    });
    logger.info({ familyId, inviterId: userId, inviteId: id, role: body.role }, 'family invitation created');
    sendSuccess(res, 'Invitation sent successfully', await findInvitationById(pool, id));
  };

/**
 * The invitation behind `code`, locked, checked in the contract's order for routes 40–41:
 * 404 unknown → 400 not pending or expired → 403 addressed to someone else.
 */
const openInvitationFor = async (tx: Queryable, code: string, userId: string): Promise<Invitation> => {
  const invitation = await findInvitationByCodeForUpdate(tx, code);
  if (!invitation) throw new HttpError(404, 'Invitation not found');
  if (invitation.status === 'expired') throw new HttpError(400, 'Invitation has expired');
  if (invitation.status !== 'pending') throw new HttpError(400, `Invitation has already been ${invitation.status}`);
  const emails = await emailsOfUser(tx, userId);
  if (!emails.includes(invitation.invitee_email.toLowerCase())) {
    throw new HttpError(403, 'This invitation was sent to a different email address');
  }
  return invitation;
};

type AnswerCtx<B> = { res: Response; userId: string; body: B };

/** Route 40. */
export const acceptInvitation =
  ({ pool, logger }: FamilyDeps) =>
  async ({ res, userId, body }: AnswerCtx<z.output<typeof AcceptInviteRequest>>) => {
    const invitation = await withTransaction(pool, async (tx) => {
      const open = await openInvitationFor(tx, body.invite_code, userId);
      if (await isActiveMember(tx, open.family_id, userId)) throw new HttpError(409, 'You are already a member of this family');
      const family = await findFamily(tx, open.family_id);
      if (!family?.is_active) throw new HttpError(404, 'Family not found');
      await addMember(tx, open.family_id, userId, open.role);
      await setInvitationStatus(tx, open.invite_id, 'accepted');
      return open;
    });
    logger.info({ familyId: invitation.family_id, userId, inviteId: invitation.invite_id }, 'family invitation accepted');
    sendSuccess(res, 'Successfully joined family', await findFamily(pool, invitation.family_id));
  };

/** Route 41. */
export const declineInvitation =
  ({ pool, logger }: FamilyDeps) =>
  async ({ res, userId, body }: AnswerCtx<z.output<typeof DeclineInviteRequest>>) => {
    const invitation = await withTransaction(pool, async (tx) => {
      const open = await openInvitationFor(tx, body.invite_code, userId);
      await setInvitationStatus(tx, open.invite_id, 'declined', body.reason ?? null);
      return open;
    });
    logger.info({ familyId: invitation.family_id, userId, inviteId: invitation.invite_id }, 'family invitation declined');
    sendSuccess(res, 'Invitation declined successfully', null);
  };
