import { createAuraWellClient, type AuraWellClient, type BackoffOptions, type WebSocketConstructor } from '@aurawell/client';
import { WebSocket } from 'ws';
import { now } from './clock';
import type { Recorders } from './histogram';
import type { Credential, ScenarioName } from './shard-protocol';

/**
 * The sockets a set of SDK clients opened, so a reconnect storm can drop every one at once
 * (`terminate`: no close handshake, the client sees 1006 as after a network cut). The SDK
 * creates its sockets itself; it is given this pool's WebSocket class.
 */
export class SocketPool {
  readonly open = new Set<WebSocket>();
  /** Sockets ever created: connection attempts, first connects and reconnects together. */
  attempts = 0;
  readonly WebSocket: WebSocketConstructor;

  constructor() {
    const pool = this;
    this.WebSocket = class PooledWebSocket extends WebSocket {
      constructor(url: string) {
        super(url);
        pool.attempts += 1;
        pool.open.add(this);
        this.once('close', () => pool.open.delete(this));
      }
    };
  }

  /** Drops every socket at once; returns how many. */
  terminateAll(): number {
    const all = [...this.open];
    for (const s of all) s.terminate();
    return all.length;
  }
}

/** Where and how the harness's clients connect. */
export type ClientSetup = {
  /** WebSocket origins (http or ws scheme); the SDK moves to the next one on each reconnect. */
  wsUrls: string[];
  /** The REST origin (tickets, SSE; the harness never falls back to SSE). */
  httpBase: string;
  pool: SocketPool;
  backoff?: Partial<BackoffOptions>;
  /**
   * How each connect authenticates: a one-time ticket from the api first (`ticket`, what
   * applications do) or the token in the URL (`token`: one request fewer per connect, and the
   * only way into the benchmark's contenders, which have no ticket route).
   */
  auth: 'ticket' | 'token';
};

/**
 * connect and idle measure what gateways hold (connections per second, memory per connection):
 * a ticket per connection would make them measure the api too, which shares the cores. The
 * scenarios that chat connect as applications do.
 */
export const authFor = (scenario: ScenarioName): ClientSetup['auth'] => (scenario === 'connect' || scenario === 'idle' ? 'token' : 'ticket');

/** The origins list rotated by `index`, so users spread over several gateways when there is no load balancer. */
const rotate = (urls: string[], index: number): string[] => urls.map((_, i) => urls[(i + index) % urls.length] as string);

/**
 * Creates an SDK client for `cred` and resolves once `connection_established` arrives (the
 * connect time is recorded as `connect`); rejects with `connect_timeout` or `closed:<code>`,
 * having closed the client.
 */
export const connectClient = (setup: ClientSetup, cred: Credential, index: number, rec: Recorders, timeoutMs: number): Promise<AuraWellClient> =>
  new Promise((resolve, reject) => {
    const started = now();
    const client = createAuraWellClient({
      baseUrl: setup.httpBase,
      wsUrl: rotate(setup.wsUrls, index),
      userId: cred.userId,
      auth: { token: cred.token, tokenInUrl: setup.auth === 'token' },
      WebSocket: setup.pool.WebSocket,
      backoff: setup.backoff,
      fallbackAfter: 0, // measure WebSockets; a fallback would hide their failures
    });
    const offs: (() => void)[] = [];
    const settle = (err: Error | null) => {
      clearTimeout(timer);
      offs.forEach((off) => off());
      if (err === null) return resolve(client);
      client.close();
      reject(err);
    };
    const timer = setTimeout(() => settle(new Error('connect_timeout')), timeoutMs);
    offs.push(client.once('connection_established', () => (rec.get('connect').record(now() - started), settle(null))));
    offs.push(client.once('closed', ({ code }) => settle(new Error(`closed:${code}`))));
  });
