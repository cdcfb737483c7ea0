import { randomBytes } from 'node:crypto';
import { createSigner, createVerifier, TokenError } from 'fast-jwt';
import type { RedisClient } from './redis';
import type { Keys } from './keys';

/** The original service's development token and the user it stands for. */
export const DEV_TOKEN = 'dev-test-token';
export const DEV_USER_ID = 'dev_user_001';

export const ACCESS_TOKEN_TTL_SECONDS = 3600;
export const WS_TICKET_TTL_SECONDS = 60;

export type TokenService = {
  /** HS256 JWT with `sub` = user id and `exp` = now + ttl (no `iat`, as the original). */
  issue(userId: string, ttlSeconds?: number): Promise<string>;
  /** The user id of a valid token, or null (bad signature, malformed, expired, no `sub`). */
  verify(token: string): Promise<string | null>;
};

/**
 * HS256 with node's own HMAC, synchronously: every REST request and every WebSocket connect
 * verifies a token, and WebCrypto's asynchronous HMAC (what jose uses) cost each ~0.5 ms of
 * thread-pool round trip when a hundred people connect at once.
 */
export const createTokenService = (secret: string, opts: { allowDevToken: boolean }): TokenService => {
  const sign = createSigner({ key: secret, algorithm: 'HS256', noTimestamp: true });
  const verify = createVerifier({ key: secret, algorithms: ['HS256'], requiredClaims: ['sub', 'exp'] });
  return {
    issue: async (userId, ttlSeconds = ACCESS_TOKEN_TTL_SECONDS) => sign({ sub: userId, exp: Math.floor(Date.now() / 1000) + ttlSeconds }),
    verify: async (token) => {
      if (opts.allowDevToken && token === DEV_TOKEN) return DEV_USER_ID;
      try {
        const payload = verify(token) as { sub?: unknown };
        return typeof payload.sub === 'string' && payload.sub !== '' ? payload.sub : null;
      } catch (err) {
        if (err instanceof TokenError) return null;
        throw err;
      }
    },
  };
};

/**
 * One-time WebSocket tickets: a short random string stored in Redis for 60 s, redeemed
 * atomically (GETDEL), so a long-lived JWT never has to travel in a URL.
 */
export const createTicketStore = (redis: RedisClient, keys: Keys) => ({
  issue: async (userId: string): Promise<string> => {
    const ticket = randomBytes(24).toString('base64url');
    await redis.set(keys.wsTicket(ticket), userId, 'EX', WS_TICKET_TTL_SECONDS);
    return ticket;
  },
  redeem: async (ticket: string): Promise<string | null> => {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(ticket)) return null;
    return redis.getdel(keys.wsTicket(ticket));
  },
});
export type TicketStore = ReturnType<typeof createTicketStore>;
