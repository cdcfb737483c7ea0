import type { Logger } from '@aurawell/platform';
import { HttpError, isDatabaseInputError } from '../http/errors';

/**
 * Runs a route's work; a fault that is not already an HTTP answer becomes 500 with the route's
 * own message (the snapshot's `detail`, e.g. `Failed to retrieve health plans`), logged once here.
 */
export const failingAs = async <T>(logger: Logger, failure: string, work: () => Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (err) {
    if (err instanceof HttpError || isDatabaseInputError(err)) throw err;
    logger.error({ err, failure }, 'health plan route failed');
    throw new HttpError(500, failure);
  }
};

export const planNotFound = (): HttpError => new HttpError(404, 'Health plan not found');
export const templateNotFound = (): HttpError => new HttpError(404, 'Plan template not found');
