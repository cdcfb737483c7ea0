import { defaultBackoff, type BackoffOptions } from './backoff';
import type { FetchLike } from './sse-chats';
import type { WebSocketConstructor } from './socket';
import { pickUrl, toHttpOrigin, type UrlChoice } from './urls';

/** What the gateways accept as `?device_id=`. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * How the client authenticates. With a token, every connect first takes a one-time ticket
 * (`POST /api/v1/ws/ticket` with the token as bearer) and puts only the ticket in the WebSocket
 * URL: URLs end up in proxy and load-balancer logs, where a ticket is soon spent or dead (60 s).
 * `tokenInUrl: true` puts the token itself in the URL instead (one request fewer per connect;
 * for servers without the ticket route, or measurements that must not count it). A `ticket`
 * function supplies tickets some other way. The SSE fallback needs `token`.
 */
export type AuthOptions = { token: string; tokenInUrl?: boolean } | { ticket: () => Promise<string>; token?: string };

export type ClientOptions = {
  /** The public origin (http(s)://host), or several / a function of the attempt to fail over between. */
  baseUrl: UrlChoice;
  userId: string;
  auth: AuthOptions;
  /** Origin(s) of the WebSocket endpoint when it differs from `baseUrl` (http or ws scheme). */
  wsUrl?: UrlChoice;
  /** Origin of the REST API (ticket, SSE fallback) when it differs from `baseUrl`'s first entry. */
  httpUrl?: string;
  /** The WebSocket class; browsers have one, Node 20 does not (pass `WebSocket` from the `ws` package). */
  WebSocket?: WebSocketConstructor;
  fetch?: FetchLike;
  backoff?: Partial<BackoffOptions>;
  /**
   * Consecutive WebSocket failures, before any connection ever opened, after which the client
   * switches to SSE. 0 disables the fallback. Default 3.
   */
  fallbackAfter?: number;
  /**
   * How often a connect refused with 4029 (the user's connection limit is full) is tried again,
   * each wait between half the backoff ceiling and all of it; then the client closes with 4029.
   * Default 5 (with the default backoff, about 4 to 8 s in all).
   */
  tooManyConnectionsRetries?: number;
  /**
   * This device's stable id (8–64 of A–Z a–z 0–9 _ -), sent as `device_id` on every connect: a
   * reminder then reaches the device once, however often it reconnects. Without it every
   * connection counts as a new device. The client stores nothing: a browser app keeps the id
   * (e.g. in localStorage) and passes it here.
   */
  deviceId?: string;
};

/** The options with every default filled in. */
export type ResolvedOptions = {
  userId: string;
  auth: AuthOptions;
  wsUrl: UrlChoice;
  httpOrigin: string;
  WebSocket: WebSocketConstructor | undefined;
  fetch: FetchLike | undefined;
  backoff: BackoffOptions;
  fallbackAfter: number;
  tooManyConnectionsRetries: number;
  deviceId: string | undefined;
};

export const resolveOptions = (opts: ClientOptions): ResolvedOptions => {
  if (opts.deviceId !== undefined && !DEVICE_ID_PATTERN.test(opts.deviceId)) throw new Error('deviceId must be 8–64 characters of A–Z a–z 0–9 _ -');
  const g = globalThis as { WebSocket?: WebSocketConstructor; fetch?: FetchLike };
  const fetchFn = opts.fetch ?? (g.fetch ? g.fetch.bind(globalThis) : undefined);
  if (!fetchFn && !('ticket' in opts.auth) && !opts.auth.tokenInUrl) throw new Error('no fetch: tickets need it (pass options.fetch, or auth.tokenInUrl)');
  return {
    userId: opts.userId,
    auth: opts.auth,
    wsUrl: opts.wsUrl ?? opts.baseUrl,
    httpOrigin: toHttpOrigin(opts.httpUrl ?? pickUrl(opts.baseUrl, 0)),
    WebSocket: opts.WebSocket ?? g.WebSocket,
    // Bound: a browser's fetch called as a method of another object throws "Illegal invocation".
    fetch: fetchFn,
    backoff: { ...defaultBackoff, ...opts.backoff },
    fallbackAfter: opts.fallbackAfter ?? 3,
    tooManyConnectionsRetries: opts.tooManyConnectionsRetries ?? 5,
    deviceId: opts.deviceId,
  };
};
