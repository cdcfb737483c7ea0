import type { WsTicketResponse } from '@aurawell/protocol';
import type { ResolvedOptions } from './options';
import type { FetchLike } from './sse-chats';
import { chatSocketUrl, pickUrl } from './urls';

/** The ticket route refused the token (401/403): every later attempt would be refused too. */
export class CredentialsRefused extends Error {
  constructor(readonly status: number) {
    super(`ticket refused: HTTP ${status}`);
    this.name = 'CredentialsRefused';
  }
}

/** `POST /api/v1/ws/ticket` with the token: a one-time ticket (60 s) for one WebSocket handshake. */
export const fetchTicket = async (httpOrigin: string, token: string, fetchFn: FetchLike): Promise<string> => {
  const res = await fetchFn(`${httpOrigin}/api/v1/ws/ticket`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (res.status === 401 || res.status === 403) throw new CredentialsRefused(res.status);
  if (!res.ok) throw new Error(`ticket refused: HTTP ${res.status}`);
  const body = (await res.json()) as WsTicketResponse;
  // Checked all the same: a proxy in between may answer 200 with a body of its own.
  if (typeof body.data?.ticket !== 'string') throw new Error('ticket response without data.ticket');
  return body.data.ticket;
};

/**
 * The WebSocket URL of connect attempt `attempt`: its origin and a fresh one-time ticket (single
 * use and short-lived, so never reused across attempts), or the token itself when the application
 * asked for it with `tokenInUrl`.
 */
export const socketUrlFor = async (opts: ResolvedOptions, attempt: number): Promise<string> => {
  const origin = pickUrl(opts.wsUrl, attempt);
  const { auth, httpOrigin, fetch: fetchFn, deviceId, userId } = opts;
  if ('ticket' in auth) return chatSocketUrl(origin, userId, { ticket: await auth.ticket() }, deviceId);
  if (auth.tokenInUrl) return chatSocketUrl(origin, userId, { token: auth.token }, deviceId);
  if (!fetchFn) throw new Error('no fetch'); // refused by resolveOptions already
  return chatSocketUrl(origin, userId, { ticket: await fetchTicket(httpOrigin, auth.token, fetchFn) }, deviceId);
};
