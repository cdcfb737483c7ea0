import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { redactUrl, type TicketStore, type TokenService } from '@aurawell/platform';
import { type UserFanout, storeGapFiller } from '@aurawell/generation';
import { CloseCode, nowIso } from '@aurawell/protocol';
import { authenticateUpgrade, chatPathUserId } from './auth';
import type { GatewayConfig } from './config';
import { perMessageDeflate, releaseZlibWhenIdle } from './compression';
import { ClientConnection, type SendLimits } from './connection';
import { drainConnections } from './drain';
import { handleMessage, type HandlerDeps } from './handlers';
import { createHttpRoutes, type GatewayStats } from './http-routes';
import { frameTypeLabel, type GenerationTimings } from './metrics';
import type { ConnectionRegistry, RegisteredConnection } from './registry';
import { deliverUserEvent, sendUnreadReminders } from './user-events';

export type GatewayDeps = HandlerDeps & {
  config: GatewayConfig;
  gatewayId: string;
  tokens: TokenService;
  tickets: TicketStore;
  registry: ConnectionRegistry;
  fanout: UserFanout<ClientConnection>;
  timings?: GenerationTimings;
};

export type Gateway = {
  server: Server;
  /**
   * Refuses new upgrades at once (503), then closes the open connections with 1012 spread over
   * DRAIN_WINDOW_MS (clients reconnect elsewhere and resume), then stops the HTTP server.
   */
  drain(): Promise<void>;
  readonly connectionCount: number;
};

/** A client-chosen device id (`?device_id=`): stable across the device's reconnects. */
const DEVICE_ID = /^[A-Za-z0-9_-]{8,64}$/;

/** Module-level, so a connection's socket keeps no closure over its upgrade request alive. */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

const refuse = (socket: Duplex, status: number, text: string) => {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
};

/** The gateway's HTTP server: WebSocket upgrades on `/ws/chat/{user_id}`, `/ws/health` and `/ws/stats`. */
export const createGateway = (deps: GatewayDeps): Gateway => {
  const allowedOrigins = new Set(deps.config.CORS_ALLOWED_ORIGINS);
  const wss = new WebSocketServer({ noServer: true, maxPayload: deps.config.MAX_FRAME_BYTES, perMessageDeflate: perMessageDeflate(deps.config) });
  let draining = false;
  const gateway: GatewayContext = { deps, limits: sendLimits(deps), isDraining: () => draining };
  const server = createServer(createHttpRoutes(gatewayStats(deps, () => draining)));

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroyOnError);
    const url = new URL(req.url ?? '/', 'http://gateway');
    const pathUserId = chatPathUserId(url.pathname);
    if (draining) return refuse(socket, 503, 'Service Unavailable');
    if (pathUserId === null) return refuse(socket, 404, 'Not Found');
    const deviceId = url.searchParams.get('device_id');
    if (deviceId !== null && !DEVICE_ID.test(deviceId)) return refuse(socket, 400, 'Bad Request');
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      deps.logger.info({ origin, path: redactUrl(req.url) }, 'upgrade refused: origin not allowed');
      return refuse(socket, 403, 'Forbidden');
    }
    const credentials = upgradeCredentials(url.searchParams);
    wss.handleUpgrade(req, socket, head, (ws) => {
      releaseZlibWhenIdle(ws);
      acceptConnection(ws, { pathUserId, credentials, deviceId }, gateway);
    });
  });

  return {
    server,
    async drain() {
      draining = true;
      await drainGateway(server, deps);
    },
    get connectionCount() {
      return deps.fanout.size;
    },
  };
};

const gatewayStats = (deps: GatewayDeps, draining: () => boolean): GatewayStats => ({
  gatewayId: deps.gatewayId,
  startedAt: Date.now(),
  counts: () => ({ connections: deps.fanout.size, users: deps.fanout.userCount }),
  draining,
});

/** Closes every open connection over the drain window, then the HTTP server. New upgrades are already refused. */
const drainGateway = async (server: Server, deps: GatewayDeps): Promise<void> => {
  const open = deps.fanout.sinks();
  deps.logger.info({ connections: open.length, windowMs: deps.config.DRAIN_WINDOW_MS }, 'draining connections');
  await drainConnections(open, {
    windowMs: deps.config.DRAIN_WINDOW_MS,
    // Half of what the window leaves of the shutdown deadline; the steps after this one need the rest.
    graceMs: Math.min(2000, (deps.config.SHUTDOWN_DEADLINE_MS - deps.config.DRAIN_WINDOW_MS) / 2),
    onProgress: (remaining) => deps.metrics.drainRemaining.set(remaining),
  });
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Idle keep-alive requests (health probes) would otherwise hold the server open.
  server.closeAllConnections();
  await closed;
  deps.logger.info({ connections: open.length }, 'drained');
};

/** The outgoing caps of every connection of this gateway, reported in the metrics (one object for all). */
const sendLimits = (deps: GatewayDeps): SendLimits => ({
  softCapBytes: deps.config.SEND_BUFFER_SOFT_CAP_BYTES,
  hardCapBytes: deps.config.SEND_BUFFER_HARD_CAP_BYTES,
  joinWindowMs: deps.config.RESUME_JOIN_WINDOW_MS,
  onMerge: () => deps.metrics.slowClientMerges.inc(),
  onFrameOut: (type) => deps.metrics.framesOutByType.inc({ type: frameTypeLabel(type) }),
  onSlowClose: (connectionId) => {
    deps.metrics.slowClientCloses.inc();
    deps.logger.info({ connectionId }, 'slow client closed (1013)');
  },
});

/** What one gateway's connections share. */
type GatewayContext = { deps: GatewayDeps; limits: SendLimits; isDraining: () => boolean };
/** What a connection keeps of its upgrade request. */
type Upgrade = { pathUserId: string; credentials: URLSearchParams; deviceId: string | null };

/** Only what authentication reads, so the connection does not keep the upgrade's URL alive. */
const upgradeCredentials = (query: URLSearchParams): URLSearchParams => {
  const kept = new URLSearchParams();
  for (const name of ['token', 'ticket']) {
    const value = query.get(name);
    if (value !== null) kept.set(name, value);
  }
  return kept;
};

const newConnection = (ws: WebSocket, userId: string, limits: SendLimits, deps: GatewayDeps): ClientConnection => {
  const c: ClientConnection = new ClientConnection(randomUUID(), userId, new Date(), ws, limits, storeGapFiller(deps.store, userId));
  c.onEvent = (event) => deliverUserEvent(c, event, deps);
  return c;
};

/**
 * Authenticates, applies the cluster-wide connection limit, subscribes the user's channel and
 * greets. Frames that arrive meanwhile are queued, and every frame of a connection is handled
 * in order, so a client may send right after `open`.
 */
const acceptConnection = (ws: WebSocket, upgrade: Upgrade, { deps, limits, isDraining: draining }: GatewayContext) => {
  const pending: { data: Buffer; isBinary: boolean }[] = [];
  let conn: ClientConnection | null = null;
  let chain = Promise.resolve();
  const process = (data: Buffer, isBinary: boolean) => {
    const c = conn;
    if (!c) return void pending.push({ data, isBinary });
    c.lastActivity = Date.now();
    chain = chain.then(() => handleMessage(c, data, isBinary, deps));
  };
  ws.on('message', (data: Buffer, isBinary: boolean) => process(data, isBinary));
  ws.on('error', (err) => deps.logger.debug({ err }, 'socket error'));

  void (async () => {
    const auth = await authenticateUpgrade(upgrade.pathUserId, upgrade.credentials, deps);
    if (!auth.ok) {
      deps.logger.info({ reason: auth.reason }, 'connection refused');
      return ws.close(CloseCode.UNAUTHORIZED, auth.reason);
    }
    const c = newConnection(ws, auth.userId, limits, deps);
    c.deviceId = upgrade.deviceId ?? c.id;
    const reg = { userId: c.userId, connectionId: c.id };
    if (!(await deps.registry.register(reg, deps.config.MAX_CONNECTIONS_PER_USER))) {
      return ws.close(CloseCode.TOO_MANY_CONNECTIONS, 'Too many connections');
    }
    if (ws.readyState !== ws.OPEN) return void deps.registry.unregister(reg);
    // Upgraded just before a drain began, which therefore did not see it: it leaves now. From
    // here to fanout.add nothing awaits, so a drain that starts later sees it.
    if (draining()) {
      ws.close(CloseCode.SERVICE_RESTART, 'Server restarting; reconnect and resume');
      return void deps.registry.unregister(reg);
    }
    track(ws, c, reg, deps);
    await deps.fanout.add(c);
    c.send({
      type: 'connection_established',
      status: 'connected',
      message: '欢迎使用AuraWell健康助手！',
      user_id: c.userId,
      connection_id: c.id,
      heartbeat_interval: Math.round(deps.config.HEARTBEAT_INTERVAL_MS / 1000),
      timestamp: nowIso(),
    });
    conn = c;
    for (const p of pending.splice(0)) process(p.data, p.isBinary);
    await sendUnreadReminders(c, deps).catch((err: Error) => deps.logger.warn({ err, connectionId: c.id }, 'unread reminders not sent'));
  })().catch((err: unknown) => {
    deps.logger.error({ err }, 'connection setup failed');
    ws.close(CloseCode.INTERNAL_FAULT, 'Internal error');
  });
};

/** An admitted connection's bookkeeping: metrics, and on close leaving the fan-out and the registry. */
const track = (ws: WebSocket, c: ClientConnection, reg: RegisteredConnection, deps: GatewayDeps) => {
  ws.on('close', (code: number) => {
    deps.fanout.remove(c);
    deps.voice.cancel(c);
    deps.metrics.connections.dec();
    deps.metrics.disconnects.inc({ code: String(code) });
    deps.registry.unregister(reg).catch((err: Error) => deps.logger.warn({ err }, 'unregister failed'));
  });
  ws.on('pong', () => c.pong());
  deps.metrics.connections.inc();
  deps.metrics.connects.inc();
};
