import { parseArgs } from 'node:util';
import { createAuraWellClient, type GenerationResult, type WebSocketConstructor } from '@aurawell/client';
import { WebSocket } from 'ws';

export type AskOptions = {
  /** The public origin (the edge of `pnpm start`). */
  url: string;
  username: string;
  password: string;
  question: string;
  /** No answer by then ends the ask with an error. */
  timeoutMs: number;
};

/** A failure worth one line to the person at the terminal (no stack). */
export class AskError extends Error {
  override name = 'AskError';
}

const USAGE = 'usage: pnpm ask [--url http://127.0.0.1:8000] [--user demo_user] [--password demo_password] [--timeout 120] "question"';

/** The options of `pnpm ask`: flags first, then AURAWELL_URL / AURAWELL_USER / AURAWELL_PASSWORD, then the demo account on the local stack. */
export const askOptionsFrom = (argv: string[], env: NodeJS.ProcessEnv): AskOptions => {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { url: { type: 'string' }, user: { type: 'string' }, password: { type: 'string' }, timeout: { type: 'string' } },
    });
  } catch (err) {
    throw new AskError(`${(err as Error).message}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  const question = positionals.join(' ').trim();
  if (question === '') throw new AskError(`no question\n${USAGE}`);
  const timeoutSeconds = Number(values.timeout ?? 120);
  if (!(timeoutSeconds > 0)) throw new AskError(`--timeout must be a number of seconds above 0\n${USAGE}`);
  return {
    url: (values.url ?? env.AURAWELL_URL ?? 'http://127.0.0.1:8000').replace(/\/+$/, ''),
    username: values.user ?? env.AURAWELL_USER ?? 'demo_user',
    password: values.password ?? env.AURAWELL_PASSWORD ?? 'demo_password',
    question,
    timeoutMs: timeoutSeconds * 1000,
  };
};

/** `POST /api/v1/auth/login`: the access token and the user id it names (its `sub`; the gateway verifies it). */
export const login = async (url: string, username: string, password: string): Promise<{ token: string; userId: string }> => {
  let res: Response;
  try {
    res = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new AskError(`cannot reach ${url} (${cause?.code ?? cause?.message ?? (err as Error).message}): is the stack running (pnpm start)?`);
  }
  const body = (await res.json().catch(() => null)) as { data?: { access_token?: unknown }; message?: string } | null;
  const token = body?.data?.access_token;
  if (!res.ok || typeof token !== 'string') throw new AskError(`login as ${username} failed: HTTP ${res.status}${body?.message ? ` ${body.message}` : ''}`);
  const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown };
  if (typeof payload.sub !== 'string') throw new AskError('login answered a token without a user id');
  return { token, userId: payload.sub };
};

/**
 * Logs in and asks one health question over the WebSocket (the client SDK, as any application
 * would), writing the answer to `write` as it streams. Resolves with how the answer ended.
 */
export const ask = async (o: AskOptions, write: (text: string) => void, warn: (line: string) => void): Promise<GenerationResult> => {
  const { token, userId } = await login(o.url, o.username, o.password);
  const client = createAuraWellClient({ baseUrl: o.url, userId, auth: { token }, WebSocket: WebSocket as unknown as WebSocketConstructor });
  let timer: NodeJS.Timeout | undefined;
  try {
    const answer = client.healthChat(o.question);
    let shown = '';
    answer.on('text', (text) => {
      if (!text.startsWith(shown)) {
        // A worker took the answer over and starts it again: what was shown is void.
        warn('(the answer restarts)');
        write('\n');
        shown = '';
      }
      write(text.slice(shown.length));
      shown = text;
    });
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AskError(`no answer within ${o.timeoutMs / 1000} s`)), o.timeoutMs);
    });
    return await Promise.race([answer.ended, timedOut]);
  } finally {
    clearTimeout(timer);
    client.close();
  }
};
