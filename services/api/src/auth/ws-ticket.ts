import { WS_TICKET_TTL_SECONDS, type Logger, type TicketStore, type TokenService } from '@aurawell/platform';
import { WsTicketResponse, type WsTicketData } from '@aurawell/protocol';
import type { Response } from 'express';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { endpoint, type Endpoint } from '../http/endpoint';
import { createLimiter, throttle, type ThrottleDeps } from '../http/throttle';
import type { ApiConfig } from '../config';

export type WsTicketDeps = ThrottleDeps & { tokens: TokenService; tickets: TicketStore; logger: Logger; config: Pick<ApiConfig, 'WS_TICKET_MAX_PER_MINUTE'> };

const TICKET_PATH = '/api/v1/ws/ticket';

const issueTicket = (deps: WsTicketDeps) => {
  const { tickets, logger } = deps;
  const perUser = createLimiter(deps, TICKET_PATH, 'ws-ticket:account', 'account', { points: deps.config.WS_TICKET_MAX_PER_MINUTE, seconds: 60 });
  return async ({ res, userId }: { res: Response; userId: string }) => {
    await throttle(res, [[perUser, userId]]);
    let ticket: string;
    try {
      ticket = await tickets.issue(userId);
    } catch (err) {
      // Whole: the logger's error serializer leaves out the Redis command's arguments (the ticket).
      logger.error({ err, userId }, 'ws ticket not stored');
      throw new HttpError(503, 'WebSocket ticket service unavailable');
    }
    const data: WsTicketData = { ticket, expires_in: WS_TICKET_TTL_SECONDS };
    sendSuccess(res, 'WebSocket ticket issued', data);
  };
};

/**
 * `POST /api/v1/ws/ticket` (authenticated): the gateway redeems the ticket once, so the
 * long-lived JWT never travels in a WebSocket URL.
 */
export const wsTicketRoutes = (deps: WsTicketDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'post',
    path: TICKET_PATH,
    summary: 'One-time ticket (60 s) for the WebSocket handshake, so the JWT never travels in a URL',
    description: 'Throttled per user: 429 with `Retry-After` (seconds) once over the limit.',
    tag: 'auth',
    auth: true,
    response: WsTicketResponse,
    errors: [429, 503],
    handle: issueTicket(deps),
  }),
];
