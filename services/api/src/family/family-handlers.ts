import { withTransaction, type Pool } from '@aurawell/db';
import type { Logger } from '@aurawell/platform';
import type { Response } from 'express';
import type { z } from 'zod';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import {
  countOwnedFamilies, familiesOfUser, familyMembers, findFamily, insertFamily, lockOwner, userExists,
} from './store/families';
import { requireMembership } from './access';
import { permissionInfo } from './permissions';
import type { FamilyCreateRequest } from './schemas';

export type FamilyDeps = { pool: Pool; logger: Logger };

/** Contract route 36: an owner may hold at most this many active families. */
export const MAX_OWNED_FAMILIES = 3;

type Ctx<B = undefined> = { res: Response; userId: string; body: B; params: { family_id: string } };

/** Route 36. */
export const createFamily =
  ({ pool, logger }: FamilyDeps) =>
  async ({ res, userId, body }: Omit<Ctx<z.output<typeof FamilyCreateRequest>>, 'params'>) => {
    const description = body.description ? body.description : null;
    const familyId = await withTransaction(pool, async (tx) => {
      // A token can name a user with no account (the dev token); a family needs a stored owner.
      if (!(await userExists(tx, userId))) throw new HttpError(400, 'User account not found');
      await lockOwner(tx, userId);
      if ((await countOwnedFamilies(tx, userId)) >= MAX_OWNED_FAMILIES) {
        throw new HttpError(409, `User already owns the maximum number of families (${MAX_OWNED_FAMILIES})`);
      }
      return insertFamily(tx, { name: body.name, description, ownerId: userId });
    });
    logger.info({ familyId, userId }, 'family created');
    sendSuccess(res, 'Family created successfully', await findFamily(pool, familyId));
  };

/** Route 37. */
export const listFamilies =
  ({ pool }: FamilyDeps) =>
  async ({ res, userId }: { res: Response; userId: string }) => {
    const families = await familiesOfUser(pool, userId);
    sendSuccess(res, `Retrieved ${families.length} families`, families);
  };

/** Route 38: membership first (so a family that does not exist is a 403 too), then 404 for an inactive one. */
export const getFamily =
  ({ pool }: FamilyDeps) =>
  async ({ res, userId, params }: Omit<Ctx, 'body'>) => {
    const membership = await requireMembership(pool, params.family_id, userId);
    const family = await findFamily(pool, params.family_id);
    if (!family || !membership.familyActive) throw new HttpError(404, 'Family not found');
    sendSuccess(res, 'Family information retrieved successfully', family);
  };

/** Route 42. */
export const listMembers =
  ({ pool }: FamilyDeps) =>
  async ({ res, userId, params }: Omit<Ctx, 'body'>) => {
    await requireMembership(pool, params.family_id, userId);
    const members = await familyMembers(pool, params.family_id);
    sendSuccess(res, `Retrieved ${members.length} family members`, members);
  };

/** Route 43: 404 (not 403) for a non-member. */
export const getPermissions =
  ({ pool }: FamilyDeps) =>
  async ({ res, userId, params }: Omit<Ctx, 'body'>) => {
    const notMember = () => new HttpError(404, 'User is not a member of this family');
    const { role } = await requireMembership(pool, params.family_id, userId, notMember);
    sendSuccess(res, 'Permissions retrieved successfully', permissionInfo(params.family_id.toLowerCase(), userId, role));
  };
