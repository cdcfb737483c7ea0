/**
 * Where to connect: one URL, a list tried in turn (attempt n uses entry n mod length), or a
 * function of the attempt. A list lets a client fail over between origins as a load balancer
 * would; a function lets the application decide (e.g. a region picker).
 */
export type UrlChoice = string | readonly string[] | ((attempt: number) => string);

export const pickUrl = (choice: UrlChoice, attempt: number): string => {
  if (typeof choice === 'string') return choice;
  if (typeof choice === 'function') return choice(attempt);
  if (choice.length === 0) throw new Error('empty URL list');
  return choice[attempt % choice.length] as string;
};

const trimSlash = (url: string): string => url.replace(/\/+$/, '');

/** http(s)://host → ws(s)://host; ws(s) URLs are kept. */
export const toWsOrigin = (url: string): string => trimSlash(url).replace(/^http(s?):\/\//i, 'ws$1://');

/** ws(s)://host → http(s)://host; http(s) URLs are kept. */
export const toHttpOrigin = (url: string): string => trimSlash(url).replace(/^ws(s?):\/\//i, 'http$1://');

/**
 * The chat endpoint with its credential (URL-encoded: JWTs and tickets may hold `+`, `/`) and, when
 * given, the device id that makes reminders reach this device once across its reconnects.
 */
export const chatSocketUrl = (origin: string, userId: string, credential: { token: string } | { ticket: string }, deviceId?: string): string => {
  const query = 'ticket' in credential ? `ticket=${encodeURIComponent(credential.ticket)}` : `token=${encodeURIComponent(credential.token)}`;
  const device = deviceId === undefined ? '' : `&device_id=${encodeURIComponent(deviceId)}`;
  return `${toWsOrigin(origin)}/ws/chat/${encodeURIComponent(userId)}?${query}${device}`;
};
