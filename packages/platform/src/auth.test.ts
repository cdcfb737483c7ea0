import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { deleteKeysWithPrefix, testPrefix, testRedisUrl } from '@aurawell/testkit';
import { createTicketStore, createTokenService, DEV_TOKEN, DEV_USER_ID, WS_TICKET_TTL_SECONDS } from './auth';
import { createKeys } from './keys';

const SECRET = 'test-secret-of-sufficient-length';
const key = new TextEncoder().encode(SECRET);
const tokens = createTokenService(SECRET, { allowDevToken: false });
const now = () => Math.floor(Date.now() / 1000);
const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('tokens', () => {
  it('issue → verify round trip yields the user id', async () => {
    const token = await tokens.issue('user_42');
    expect(token.split('.')).toHaveLength(3);
    expect(await tokens.verify(token)).toBe('user_42');
  });

  it('issues HS256 with sub and exp = now + ttl', async () => {
    const token = await tokens.issue('user_42', 120);
    const [header, payload] = token.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>);
    expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    expect(payload?.sub).toBe('user_42');
    expect(Math.abs((payload?.exp as number) - (now() + 120))).toBeLessThanOrEqual(2);
  });

  it('an expired token → null', async () => {
    expect(await tokens.verify(await tokens.issue('user_42', -60))).toBeNull();
  });

  it('a token signed with another secret → null', async () => {
    const other = createTokenService('another-secret-of-enough-length', { allowDevToken: false });
    expect(await tokens.verify(await other.issue('user_42'))).toBeNull();
  });

  it('a token without sub → null', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(now() + 60).sign(key);
    expect(await tokens.verify(token)).toBeNull();
  });

  it('a token with an empty or non-string sub → null', async () => {
    const empty = await new SignJWT({ sub: '' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(now() + 60).sign(key);
    expect(await tokens.verify(empty)).toBeNull();
    const numeric = await new SignJWT({ sub: 42 } as unknown as Record<string, unknown>)
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(now() + 60)
      .sign(key);
    expect(await tokens.verify(numeric)).toBeNull();
  });

  it('a token without exp → null', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('user_42').sign(key);
    expect(await tokens.verify(token)).toBeNull();
  });

  it('alg none is rejected', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'user_42', exp: now() + 60 })}.`;
    expect(await tokens.verify(unsigned)).toBeNull();
  });

  it('another HMAC algorithm with the same secret is rejected', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS512' }).setSubject('user_42').setExpirationTime(now() + 60).sign(key);
    expect(await tokens.verify(token)).toBeNull();
  });

  it('a tampered payload → null', async () => {
    const [h, , s] = (await tokens.issue('user_42')).split('.');
    expect(await tokens.verify(`${h}.${b64({ sub: 'admin', exp: now() + 60 })}.${s}`)).toBeNull();
  });

  it.each(['', 'garbage', 'a.b.c', '...', `${'x'.repeat(10_000)}`])('malformed %j → null without throwing', async (t) => {
    await expect(tokens.verify(t)).resolves.toBeNull();
  });

  it('the dev token is accepted only when allowed', async () => {
    expect(await tokens.verify(DEV_TOKEN)).toBeNull();
    const dev = createTokenService(SECRET, { allowDevToken: true });
    expect(await dev.verify(DEV_TOKEN)).toBe(DEV_USER_ID);
    // Real tokens still work when the dev token is allowed.
    expect(await dev.verify(await tokens.issue('user_7'))).toBe('user_7');
  });
});

describe('tickets', () => {
  const prefix = testPrefix();
  const keys = createKeys(prefix);
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(testRedisUrl());
  });

  afterAll(async () => {
    await redis.quit();
    await deleteKeysWithPrefix(prefix);
  });

  it('redeems once, then never again', async () => {
    const tickets = createTicketStore(redis, keys);
    const ticket = await tickets.issue('user_42');
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    expect(await tickets.redeem(ticket)).toBe('user_42');
    expect(await tickets.redeem(ticket)).toBeNull();
    expect(await redis.exists(keys.wsTicket(ticket))).toBe(0);
  });

  it('two tickets are different and independent', async () => {
    const tickets = createTicketStore(redis, keys);
    const [a, b] = await Promise.all([tickets.issue('u1'), tickets.issue('u2')]);
    expect(a).not.toBe(b);
    expect(await tickets.redeem(b)).toBe('u2');
    expect(await tickets.redeem(a)).toBe('u1');
  });

  it('lives 60 s', async () => {
    const tickets = createTicketStore(redis, keys);
    const ticket = await tickets.issue('user_42');
    expect(WS_TICKET_TTL_SECONDS).toBe(60);
    const pttl = await redis.pttl(keys.wsTicket(ticket));
    expect(pttl).toBeGreaterThan(55_000);
    expect(pttl).toBeLessThanOrEqual(60_000);
  });

  it.each(['', 'short', 'has spaces in it!!', 'x'.repeat(65), '../../../../etc/passwd', '*', 'abcdefghijklmnop*'])(
    'a malformed ticket %j → null, Redis not consulted with it',
    async (ticket) => {
      const tickets = createTicketStore(redis, keys);
      expect(await tickets.redeem(ticket)).toBeNull();
    },
  );

  it('a malformed ticket cannot redeem a stored key with the same name', async () => {
    const tickets = createTicketStore(redis, keys);
    await redis.set(keys.wsTicket('bad ticket with spaces'), 'victim', 'EX', 60);
    expect(await tickets.redeem('bad ticket with spaces')).toBeNull();
    expect(await redis.get(keys.wsTicket('bad ticket with spaces'))).toBe('victim');
  });

  it('an unknown well-formed ticket → null', async () => {
    expect(await createTicketStore(redis, keys).redeem('A'.repeat(32))).toBeNull();
  });
});
