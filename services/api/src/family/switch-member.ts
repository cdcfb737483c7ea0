import { canActForMember, PERMISSIONS_BY_ROLE } from '@aurawell/db';
import type { Response } from 'express';
import type { z } from 'zod';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { familyMembers, findMembership, isFamilyId } from './store/families';
import type { FamilyDeps } from './family-handlers';
import { dataAccessLevel } from './permissions';
import type { ActiveMemberInfo, SwitchMemberRequest } from './schemas';

const memberNotFound = () => new HttpError(404, 'Member not found or access denied');

type SwitchCtx = { res: Response; userId: string; body: z.output<typeof SwitchMemberRequest> };

/**
 * Route 44: the same check as the gateway's `switch_member` (`canActForMember`), narrowed to the
 * named family; 404 when the caller or the member is not an active member of it.
 */
export const switchMember =
  ({ pool, logger }: FamilyDeps) =>
  async ({ res, userId, body }: SwitchCtx) => {
    const { member_id: memberId } = body;
    if (!isFamilyId(body.family_id)) throw memberNotFound();
    if (!(await canActForMember(pool, userId, memberId, { familyId: body.family_id }))) throw memberNotFound();
    const familyId = body.family_id.toLowerCase();
    const caller = await findMembership(pool, familyId, userId);
    const member = (await familyMembers(pool, familyId)).find((m) => m.user_id === memberId);
    if (!caller || !member) throw memberNotFound();
    const accessLevel = dataAccessLevel(userId, memberId, caller.role);
    const memberName = member.display_name ?? member.username;
    const data: z.infer<typeof ActiveMemberInfo> = {
      member_id: memberId,
      user_id: member.user_id,
      family_id: familyId,
      username: member.username,
      display_name: member.display_name,
      role: member.role,
      permissions: [...PERMISSIONS_BY_ROLE[member.role]],
      data_access_level: accessLevel,
      switched_at: new Date().toISOString(),
      member_name: memberName,
      access_level: accessLevel,
      isolation_key: `${userId}:${memberId}`,
    };
    logger.info({ userId, familyId, memberId }, 'active family member switched');
    sendSuccess(res, `Successfully switched to member ${memberName}`, data);
  };
