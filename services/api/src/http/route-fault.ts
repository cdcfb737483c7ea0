import type { Logger } from '@aurawell/platform';
import { HttpError, isDatabaseInputError } from '../http/errors';

/**
 * For `.catch()` on a route's work: an HttpError (or bad input the database refused) passes
 * through; any other fault is logged and becomes the route's own 500 with `message` (contract:
 * e.g. `Failed to retrieve health goals`). `domain` gives the source-2 form (`SYSTEM_1701`,
 * `details {}`) some routes answer with.
 */
export const routeFault =
  (logger: Logger, message: string, context: Record<string, unknown>, opts: { domain?: boolean } = {}) =>
  (err: unknown): never => {
    if (err instanceof HttpError || isDatabaseInputError(err)) throw err;
    logger.error({ err, ...context, answer: message }, 'route failed');
    throw new HttpError(500, message, opts.domain ? { code: 'SYSTEM_1701', details: {} } : {});
  };

/** Runs a route's work, its faults answered as `routeFault` answers them (the 500 says `message`). */
export const failingAs = <T>(logger: Logger, message: string, work: () => Promise<T>): Promise<T> => work().catch(routeFault(logger, message, {}));
