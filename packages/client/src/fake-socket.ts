import { createAuraWellClient, type AuraWellClient } from './client';
import type { ClientOptions } from './options';
import type { FetchLike } from './sse-chats';
import type { WebSocketConstructor } from './socket';

/** A scripted WebSocket for the unit tests: the test plays the server. */
export class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  private listeners: Record<string, ((ev: never) => void)[]> = {};
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  /** The socket the client opened last. */
  static get last(): FakeSocket {
    const ws = FakeSocket.all[FakeSocket.all.length - 1];
    if (!ws) throw new Error('no socket yet');
    return ws;
  }
  addEventListener(type: string, listener: (ev: never) => void): void {
    (this.listeners[type] ??= []).push(listener);
  }
  private fire(type: string, ev: unknown): void {
    for (const l of this.listeners[type] ?? []) (l as (ev: unknown) => void)(ev);
  }
  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
    this.readyState = 3;
  }
  /** The server accepts: open + connection_established. */
  accept(): void {
    this.readyState = 1;
    this.fire('open', {});
    this.receive({ type: 'connection_established', status: 'connected', message: 'ok', user_id: 'u', connection_id: 'c', heartbeat_interval: 30, timestamp: '' });
  }
  receive(frame: unknown): void {
    this.fire('message', { data: JSON.stringify(frame) });
  }
  drop(code: number, reason = ''): void {
    this.readyState = 3;
    this.fire('close', { code, reason });
  }
  /** The frames of one type the client sent. */
  sentOf(type: string): Record<string, unknown>[] {
    return this.sent.filter((f) => f.type === type);
  }
}

export const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/**
 * The api's ticket route for the unit tests: each request answered with the next status of
 * `statuses` (then 200), a 200 carrying ticket `tk<n>` (with `/` and `+`, as base64 ones may).
 */
export class FakeTickets {
  static requests: { url: string; authorization: string | null }[] = [];
  static statuses: number[] = [];
  static readonly fetch: FetchLike = async (input, init) => {
    FakeTickets.requests.push({ url: String(input), authorization: new Headers(init?.headers).get('authorization') });
    const status = FakeTickets.statuses.shift() ?? 200;
    const body = { data: { ticket: `tk${FakeTickets.requests.length}/+` } };
    return { ok: status < 300, status, json: async () => body } as Response;
  };
  static reset(): void {
    FakeTickets.requests = [];
    FakeTickets.statuses = [];
  }
}

/** A client on FakeSocket (tickets from FakeTickets) with a quick backoff. */
export const fakeClient = (opts: Partial<ClientOptions> = {}): AuraWellClient =>
  createAuraWellClient({
    baseUrl: 'http://aw.test',
    userId: 'u1',
    auth: { token: 't+/=' },
    WebSocket: FakeSocket as unknown as WebSocketConstructor,
    fetch: FakeTickets.fetch,
    backoff: { initialMs: 5, maxMs: 10 },
    ...opts,
  });

/** A client whose first socket is open. */
export const openClient = async (opts: Partial<ClientOptions> = {}): Promise<{ client: AuraWellClient; ws: FakeSocket }> => {
  FakeSocket.all = [];
  FakeTickets.reset();
  const client = fakeClient(opts);
  await tick();
  const ws = FakeSocket.last;
  ws.accept();
  return { client, ws };
};
