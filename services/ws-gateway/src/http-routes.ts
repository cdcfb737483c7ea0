import type { IncomingMessage, ServerResponse } from 'node:http';
import { nowIso } from '@aurawell/protocol';

export type GatewayStats = {
  gatewayId: string;
  startedAt: number;
  /** Open connections on this gateway and the distinct users they belong to. */
  counts(): { connections: number; users: number };
  draining(): boolean;
};

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
};

const health = (stats: GatewayStats) => {
  const draining = stats.draining();
  return {
    // A draining gateway says so (503), so a balancer that probes this route stops sending to it.
    status: draining ? 503 : 200,
    body: { status: draining ? 'draining' : 'healthy', service: 'websocket', gateway_id: stats.gatewayId, connections: stats.counts().connections, timestamp: nowIso() },
  };
};

const statistics = (stats: GatewayStats) => {
  const { connections, users } = stats.counts();
  return {
    status: 200,
    body: {
      active_connections: connections,
      active_users: users,
      gateway_id: stats.gatewayId,
      uptime_seconds: Math.floor((Date.now() - stats.startedAt) / 1000),
      timestamp: nowIso(),
    },
  };
};

const routes = new Map<string, (stats: GatewayStats) => { status: number; body: unknown }>([
  ['/ws/health', health],
  ['/ws/stats', statistics],
]);

/**
 * The plain HTTP routes of the gateway, the original WebSocket router's unauthenticated
 * `/ws/health` and `/ws/stats` (the load balancer sends every `/ws/*` request to a gateway).
 * They report this gateway only, and counts only: never a user id.
 */
export const createHttpRoutes = (stats: GatewayStats) => (req: IncomingMessage, res: ServerResponse): void => {
  const route = routes.get((req.url ?? '/').split('?')[0] ?? '/');
  if (!route) return json(res, 404, { detail: 'Not Found' });
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { detail: 'Method Not Allowed' });
  const { status, body } = route(stats);
  json(res, status, body);
};
