import type { TokenService } from '@aurawell/platform';
import type { RequestHandler, Response } from 'express';
import { HttpError } from './errors';

/** Splits `Authorization` as Starlette does: scheme, then everything after the first space. */
const splitAuthorization = (header: string | undefined): { scheme: string; credentials: string } => {
  const value = header ?? '';
  const space = value.indexOf(' ');
  return space === -1
    ? { scheme: value, credentials: '' }
    : { scheme: value.slice(0, space), credentials: value.slice(space + 1) };
};

/**
 * Bearer authentication (contract §1.5): 403 `AUTH_1005` without credentials or with another
 * scheme, 401 `AUTH_1004` for a token that does not verify. Sets `res.locals.userId`.
 */
export const requireAuth = (tokens: TokenService): RequestHandler => async (req, res, next) => {
  const { scheme, credentials } = splitAuthorization(req.get('authorization'));
  if (!scheme || !credentials) throw new HttpError(403, 'Not authenticated');
  if (scheme.toLowerCase() !== 'bearer') throw new HttpError(403, 'Invalid authentication credentials');
  const userId = await tokens.verify(credentials);
  if (!userId) throw new HttpError(401, 'Could not validate credentials');
  res.locals.userId = userId;
  next();
};

/** The authenticated user of a request that passed `requireAuth`. */
export const userIdOf = (res: Response): string => {
  const userId = res.locals.userId;
  if (!userId) throw new Error('userIdOf called on a route without requireAuth');
  return userId;
};
