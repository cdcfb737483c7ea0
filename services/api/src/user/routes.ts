import type { Logger, TokenService } from '@aurawell/platform';
import type { Queryable } from '@aurawell/db';
import type { Response } from 'express';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess, utcNow } from '../http/envelope';
import { HttpError } from '../http/errors';
import { routeFault } from '../http/route-fault';
import { defaultProfile, ensureProfile, findProfile, saveProfile, UnknownUserError, type Profile, type ProfileChanges } from './store';
import {
  bmiOf,
  HealthDataResponse,
  HealthDataUpdateRequest,
  ProfileResponse,
  ProfileUpdateRequest,
} from './schemas';

export type UserDeps = { pool: Queryable; tokens: TokenService; logger: Logger };

/** A user the database does not know cannot have a stored profile. */
const unknownUser = () => new HttpError(404, 'User not found');

/** Contract route 12: BMI to one decimal and its (Chinese) category. */
export const bmiFields = (heightCm: number | null, weightKg: number | null): { bmi: number | null; bmi_category: string | null } => {
  if (!heightCm || !weightKg) return { bmi: null, bmi_category: null };
  const bmi = bmiOf(heightCm, weightKg);
  const category = bmi < 18.5 ? '偏瘦' : bmi < 24 ? '正常' : bmi < 28 ? '偏胖' : '肥胖';
  return { bmi: Math.round(bmi * 10) / 10, bmi_category: category };
};

const healthDataOf = (userId: string, p: Profile | null) => ({
  user_id: userId,
  age: p?.age ?? null,
  gender: p?.gender ?? null,
  height: p?.height_cm ?? null,
  weight: p?.weight_kg ?? null,
  activity_level: p?.activity_level ?? null,
  ...bmiFields(p?.height_cm ?? null, p?.weight_kg ?? null),
  updated_at: p?.updated_at ?? utcNow(),
});

/** Only the fields the client sent (zod leaves absent keys out). */
const sentFields = <T extends Record<string, unknown>>(body: T): Partial<T> =>
  Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Route 10's profile: the stored one, created with defaults on first read. */
export const readProfile = ({ pool, logger }: UserDeps, userId: string): Promise<Profile> =>
  ensureProfile(pool, userId).catch((err: unknown) => {
    // A token without a stored user (the development token's) still sees route 10's defaults.
    if (err instanceof UnknownUserError) return { user_id: userId, ...defaultProfile(userId), created_at: utcNow(), updated_at: utcNow() };
    return routeFault(logger, 'Failed to retrieve user profile', { userId })(err);
  });

const getProfile =
  (deps: UserDeps) =>
  async ({ res, userId }: { res: Response; userId: string }) => {
    sendSuccess(res, 'User profile retrieved successfully', null, await readProfile(deps, userId));
  };

/** Stores the changes, or answers 404 for a user the database does not know. */
const saveOrFail = (deps: UserDeps, userId: string, changes: ProfileChanges, failure: string): Promise<Profile> =>
  saveProfile(deps.pool, userId, changes).catch((err: unknown) => {
    if (err instanceof UnknownUserError) throw unknownUser();
    return routeFault(deps.logger, failure, { userId })(err);
  });

/** Route 11's change: only the sent fields, the profile created when missing. */
export const updateProfile = async (deps: UserDeps, userId: string, body: ProfileUpdateRequest): Promise<Profile> => {
  const profile = await saveOrFail(deps, userId, sentFields(body), 'Failed to update user profile');
  deps.logger.info({ userId, fields: Object.keys(sentFields(body)) }, 'profile updated');
  return profile;
};

const putProfile =
  (deps: UserDeps) =>
  async ({ res, userId, body }: { res: Response; userId: string; body: ProfileUpdateRequest }) => {
    sendSuccess(res, 'User profile updated successfully', null, await updateProfile(deps, userId, body));
  };

const getHealthData =
  ({ pool, logger }: UserDeps) =>
  async ({ res, userId }: { res: Response; userId: string }) => {
    const profile = await findProfile(pool, userId).catch(routeFault(logger, 'Failed to retrieve health data', { userId }));
    sendSuccess(res, 'Health data retrieved successfully', null, healthDataOf(userId, profile));
  };

const putHealthData =
  (deps: UserDeps) =>
  async ({ res, userId, body }: { res: Response; userId: string; body: HealthDataUpdateRequest }) => {
    const { height, weight, ...rest } = sentFields(body);
    const changes: ProfileChanges = { ...rest, ...(height !== undefined ? { height_cm: height } : {}), ...(weight !== undefined ? { weight_kg: weight } : {}) };
    const profile = await saveOrFail(deps, userId, changes, 'Failed to update health data');
    deps.logger.info({ userId, fields: Object.keys(changes) }, 'health data updated');
    sendSuccess(res, 'Health data updated successfully', null, healthDataOf(userId, profile));
  };

const tag = 'user';

/** Routes 10–13: profile and health data (the user's health goals, 14–15, are in goals/). */
export const userRoutes = (deps: UserDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/user/profile', summary: "The caller's profile; created with defaults on first read", tag, auth: true,
    response: ProfileResponse, errors: [500], revalidate: true,
    handle: getProfile(deps),
  }),
  endpoint(deps.tokens, {
    method: 'put', path: '/api/v1/user/profile', summary: "Change some fields of the caller's profile (created when missing)", tag, auth: true,
    body: ProfileUpdateRequest, response: ProfileResponse, errors: [404, 500],
    handle: putProfile(deps),
  }),
  endpoint(deps.tokens, {
    method: 'get', path: '/api/v1/user/health-data', summary: "The caller's body measures with BMI", tag, auth: true,
    response: HealthDataResponse, errors: [500], revalidate: true,
    handle: getHealthData(deps),
  }),
  endpoint(deps.tokens, {
    method: 'put', path: '/api/v1/user/health-data', summary: "Change some of the caller's body measures (profile created when missing)", tag, auth: true,
    body: HealthDataUpdateRequest, response: HealthDataResponse, errors: [404, 500],
    handle: putHealthData(deps),
  }),
];
