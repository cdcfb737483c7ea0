import { USER_ID_PATTERN, type TicketStore, type TokenService } from '@aurawell/platform';

export type AuthResult = { ok: true; userId: string } | { ok: false; reason: string };

/**
 * Who is connecting: `?token=<JWT>` or `?ticket=<one-time ticket>`, and it must be the user
 * named in the path. Every failure becomes close 4001 with a reason the client can show.
 */
export const authenticateUpgrade = async (
  pathUserId: string,
  query: URLSearchParams,
  deps: { tokens: TokenService; tickets: TicketStore },
): Promise<AuthResult> => {
  if (!USER_ID_PATTERN.test(pathUserId)) return { ok: false, reason: 'Invalid user id' };
  const token = query.get('token');
  const ticket = query.get('ticket');
  let userId: string | null = null;
  if (token) {
    userId = await deps.tokens.verify(token);
    if (!userId) return { ok: false, reason: 'Invalid or expired token' };
  } else if (ticket) {
    userId = await deps.tickets.redeem(ticket);
    if (!userId) return { ok: false, reason: 'Invalid or expired ticket' };
  } else {
    return { ok: false, reason: 'Missing token' };
  }
  if (userId !== pathUserId) return { ok: false, reason: 'User ID mismatch' };
  return { ok: true, userId };
};

/** `/ws/chat/{user_id}` → the decoded user id, or null for any other path. */
export const chatPathUserId = (pathname: string): string | null => {
  const m = /^\/ws\/chat\/([^/]+)\/?$/.exec(pathname);
  if (!m?.[1]) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
};
