import type { Credential } from './shard-protocol';

const post = (url: string, body: unknown): Promise<Response> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The `sub` of a JWT (the user id the gateway expects in the chat path); the payload is read, not verified. */
export const tokenSubject = (token: string): string => {
  const payload = token.split('.')[1];
  const sub = payload ? (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub : undefined;
  if (typeof sub !== 'string') throw new Error('token without sub');
  return sub;
};

/** A refused login or registration; a 429 says which of the api's throttles to open for the run. */
const refused = (what: string, res: Response): Error =>
  new Error(
    `${what}: HTTP ${res.status}${res.status === 429 ? ` (throttled by the api for ${res.headers.get('retry-after')} s: all users come from this machine's IP; raise the api's LOGIN_IP_MAX_ATTEMPTS, LOGIN_IP_MAX_FAILURES and REGISTER_IP_MAX_PER_HOUR for the run)` : ''}`,
  );

/** `POST /api/v1/auth/login`: the access token, or null when the credentials are refused (401). */
export const login = async (httpBase: string, username: string, password: string): Promise<string | null> => {
  const res = await post(`${httpBase}/api/v1/auth/login`, { username, password });
  if (res.status === 401) return null;
  if (!res.ok) throw refused(`login ${username}`, res);
  return ((await res.json()) as { data: { access_token: string } }).data.access_token;
};

/** `POST /api/v1/auth/register` (a 422 "already exists" from a racing run is fine: login follows). */
const register = async (httpBase: string, username: string, password: string): Promise<void> => {
  const res = await post(`${httpBase}/api/v1/auth/register`, { username, email: `${username}@loadtest.example.com`, password });
  if (!res.ok && res.status !== 422) throw refused(`register ${username}`, res);
};

/** Logs in as `username`, registering it first when the api does not know it. */
export const loginOrRegister = async (httpBase: string, username: string, password: string): Promise<Credential> => {
  let token = await login(httpBase, username, password);
  if (token === null) {
    await register(httpBase, username, password);
    token = await login(httpBase, username, password);
  }
  if (token === null) throw new Error(`login ${username}: refused after registering (is the user's password another one?)`);
  return { userId: tokenSubject(token), token };
};

/** Runs `task` over `items` with at most `limit` at once (logins hash passwords: bcrypt on the api's cores). */
export const mapLimit = async <T, R>(items: T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> => {
  const out: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await task(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
};

/** `user:password` pairs → tokens (the REST load's identities, e.g. the seeded demo users). */
export const loginAll = (httpBase: string, pairs: string[]): Promise<string[]> =>
  mapLimit(pairs, 4, async (pair) => {
    const [username = '', password = ''] = pair.split(':');
    const token = await login(httpBase, username, password);
    if (token === null) throw new Error(`login ${username} refused at ${httpBase}`);
    return token;
  });
