import { WS_TICKET_TTL_SECONDS, type Logger, type TicketStore, type TokenService } from '@aurawell/platform';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { requireAuth, userIdOf } from '../http/auth';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { route, withoutBody, type RouteDef } from '../http/routes';

/** `data` of `POST /api/v1/ws/ticket`: a one-time ticket for the WebSocket handshake. */
export const WsTicketData = z.object({ ticket: z.string(), expires_in: z.number().int() });
export type WsTicketData = z.infer<typeof WsTicketData>;

type WsTicketDeps = { tokens: TokenService; tickets: TicketStore; logger: Logger };

const issueTicket =
  ({ tickets, logger }: WsTicketDeps): RequestHandler =>
  async (_req, res) => {
    const userId = userIdOf(res);
    let ticket: string;
    try {
      ticket = await tickets.issue(userId);
    } catch (err) {
      // Only the message: a Redis error can carry the command's arguments, the ticket among them.
      logger.error({ error: err instanceof Error ? err.message : String(err), userId }, 'ws ticket not stored');
      throw new HttpError(503, 'WebSocket ticket service unavailable');
    }
    const data: WsTicketData = { ticket, expires_in: WS_TICKET_TTL_SECONDS };
    sendSuccess(res, 'WebSocket ticket issued', data);
  };

/**
 * `POST /api/v1/ws/ticket` (authenticated): the gateway redeems the ticket once, so the
 * long-lived JWT never travels in a WebSocket URL.
 */
export const wsTicketRoutes = (deps: WsTicketDeps): RouteDef[] => [
  withoutBody(route('post', '/api/v1/ws/ticket', requireAuth(deps.tokens), issueTicket(deps))),
];
