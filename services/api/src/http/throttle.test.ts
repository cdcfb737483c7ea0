import { upsertUser } from '@aurawell/db';
import { createRedis, waitForRedis, type Registry } from '@aurawell/platform';
import { testRedisUrl } from '@aurawell/testkit';
import request from 'supertest';
import { buildTestApp, useTestEnv, type TestApp } from '../testing';

// The login, registration and ticket throttles against a real Redis (the test's own prefix);
// client IPs are set with X-Forwarded-For, which the api believes from loopback (TRUST_PROXY).

const LOGIN = '/api/v1/auth/login';
const REGISTER = '/api/v1/auth/register';
const TICKET = '/api/v1/ws/ticket';
const PASSWORD = 'right_password';

const env = useTestEnv({ seed: false });
/** Limits low enough to reach; each test uses usernames and IPs of its own. */
const LOW = { LOGIN_ACCOUNT_MAX_FAILURES: '3', LOGIN_IP_MAX_ATTEMPTS: '1000', LOGIN_IP_MAX_FAILURES: '1000', LOGIN_BLOCK_SECONDS: '600' };

beforeAll(async () => {
  await waitForRedis(env.redis);
  for (const name of ['acct_a', 'acct_b', 'acct_c', 'acct_d', 'acct_e', 'acct_f']) {
    await upsertUser(env.pool, { id: name, username: name, email: `${name}@example.com`, password: PASSWORD, displayName: name });
  }
});

let nextIp = 1;
/** An address no other try in this file uses. */
const freshIp = () => `203.0.113.${nextIp++}`;

const login = (api: TestApp, username: string, password: string, ip = freshIp()) =>
  request(api.app).post(LOGIN).set('X-Forwarded-For', ip).send({ username, password });

const statuses = async (tries: (() => Promise<{ status: number }>)[]): Promise<number[]> => {
  const out: number[] = [];
  for (const attempt of tries) out.push((await attempt()).status);
  return out;
};

const throttled = async (registry: Registry, route: string, scope: string): Promise<number> => {
  const metric = await registry.getSingleMetric('aurawell_auth_throttled_total')?.get();
  return metric?.values.find((v) => v.labels.route === route && v.labels.scope === scope)?.value ?? 0;
};

const expect429 = (res: request.Response, path: string, maxSeconds: number) => {
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  expect(res.body).toEqual({
    success: false,
    status: 'error',
    message: 'Too many attempts; try again later',
    data: null,
    error_code: 'EXTERNAL_1502',
    details: { path, retry_after: retryAfter },
    timestamp: expect.stringMatching(/Z$/),
    request_id: res.headers['x-request-id'],
  });
};

describe('login, per account', () => {
  it('after N failures refuses the account with 429 and Retry-After, even with the right password and from other IPs', async () => {
    const api = buildTestApp(env, LOW);
    expect(await statuses([1, 2, 3].map(() => () => login(api, 'acct_a', 'wrong_password')))).toEqual([401, 401, 401]);
    expect429(await login(api, 'acct_a', PASSWORD), LOGIN, 600);
    expect429(await login(api, 'ACCT_A', PASSWORD), LOGIN, 600);
    expect(await throttled(api.registry, LOGIN, 'account')).toBe(2);
    expect((await login(api, 'acct_b', PASSWORD)).status).toBe(200);
  });

  it('counts an unknown username the same way, so the lockout tells nothing', async () => {
    const api = buildTestApp(env, LOW);
    expect(await statuses([1, 2, 3].map(() => () => login(api, 'ghost_user', 'wrong_password')))).toEqual([401, 401, 401]);
    expect429(await login(api, 'ghost_user', 'wrong_password'), LOGIN, 600);
  });

  it('a success resets the account counter', async () => {
    const api = buildTestApp(env, LOW);
    const wrong = () => login(api, 'acct_c', 'wrong_password');
    const right = () => login(api, 'acct_c', PASSWORD);
    expect(await statuses([wrong, wrong, right, wrong, wrong, right])).toEqual([401, 401, 200, 401, 401, 200]);
  });

  it('two api instances on the same Redis share the counts', async () => {
    const [a, b] = [buildTestApp(env, LOW), buildTestApp(env, LOW)];
    const tries = [a, b, a].map((api) => () => login(api, 'acct_d', 'wrong_password'));
    expect(await statuses(tries)).toEqual([401, 401, 401]);
    expect429(await login(b, 'acct_d', PASSWORD), LOGIN, 600);
    expect(await throttled(b.registry, LOGIN, 'account')).toBe(1);
    // The counter lives under the throttle's prefix, without the username in its key.
    const keys = await env.redis.keys(`${env.keys.throttle('login:account')}:*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toContain('acct_d');
  });
});

describe('login, per client IP', () => {
  it('limits attempts from one IP across usernames; other IPs are unaffected', async () => {
    const api = buildTestApp(env, { ...LOW, LOGIN_IP_MAX_ATTEMPTS: '4' });
    const ip = freshIp();
    const tries = ['u_one', 'u_two', 'u_three', 'acct_e'].map((name) => () => login(api, name, name === 'acct_e' ? PASSWORD : 'wrong_password', ip));
    expect(await statuses(tries)).toEqual([401, 401, 401, 200]);
    expect429(await login(api, 'acct_e', PASSWORD, ip), LOGIN, 900);
    expect(await throttled(api.registry, LOGIN, 'ip')).toBe(1);
    expect((await login(api, 'acct_e', PASSWORD, freshIp())).status).toBe(200);
  });

  it('limits failures in a row from one IP across usernames; a success from it resets them', async () => {
    const api = buildTestApp(env, { ...LOW, LOGIN_IP_MAX_FAILURES: '3' });
    const ip = freshIp();
    const wrong = (name: string) => () => login(api, name, 'wrong_password', ip);
    const right = () => login(api, 'acct_f', PASSWORD, ip);
    const tries = [wrong('v_1'), wrong('v_2'), right, wrong('v_3'), wrong('v_4'), wrong('v_5')];
    expect(await statuses(tries)).toEqual([401, 401, 200, 401, 401, 401]);
    expect429(await login(api, 'acct_f', PASSWORD, ip), LOGIN, 600);
  });
});

describe('when Redis is unreachable', () => {
  it('logins still work and are still counted, per api instance in memory', async () => {
    const closed = createRedis(testRedisUrl(), { name: 'throttle-test-closed', role: 'command', logger: env.logger });
    await closed.quit();
    const api = buildTestApp(env, LOW, { redis: closed });
    expect((await login(api, 'acct_b', PASSWORD)).status).toBe(200);
    expect(await statuses([1, 2, 3].map(() => () => login(api, 'acct_b', 'wrong_password')))).toEqual([401, 401, 401]);
    expect429(await login(api, 'acct_b', PASSWORD), LOGIN, 600);
  });
});

describe('registration, per client IP', () => {
  it('refuses registrations past the limit from one IP, a taken name included; other IPs go on', async () => {
    const api = buildTestApp(env, { REGISTER_IP_MAX_PER_HOUR: '2' });
    const ip = freshIp();
    const register = (username: string, from = ip) =>
      request(api.app).post(REGISTER).set('X-Forwarded-For', from).send({ username, email: `${username}@example.com`, password: 'secret123' });
    expect(await statuses([() => register('reg_one'), () => register('reg_one')])).toEqual([200, 422]);
    expect429(await register('reg_two'), REGISTER, 3600);
    expect(await throttled(api.registry, REGISTER, 'ip')).toBe(1);
    expect((await register('reg_three', freshIp())).status).toBe(200);
  });
});

describe('WebSocket tickets, per user', () => {
  it('refuses tickets past the limit for one user; other users go on', async () => {
    const api = buildTestApp(env, { WS_TICKET_MAX_PER_MINUTE: '2' });
    const ticket = async (userId: string) => request(api.app).post(TICKET).set('Authorization', `Bearer ${await api.tokens.issue(userId)}`);
    expect(await statuses([() => ticket('tk_user'), () => ticket('tk_user')])).toEqual([200, 200]);
    expect429(await ticket('tk_user'), TICKET, 60);
    expect(await throttled(api.registry, TICKET, 'account')).toBe(1);
    expect((await ticket('tk_other')).status).toBe(200);
  });
});
