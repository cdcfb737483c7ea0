import { CloseCode } from '@aurawell/protocol';
import type { Logger } from '@aurawell/platform';
import type { UserFanout } from '@aurawell/generation';
import type { ClientConnection } from './connection';
import type { ConnectionRegistry, RegisteredConnection } from './registry';

export type MaintenanceSettings = { heartbeatIntervalMs: number; heartbeatTimeoutMs: number; idleTimeoutMs: number; registryTtlMs: number; gatewayTtlMs: number };

/** The registrations of these connections, made one at a time as the refresh reads them. */
function* registrations(conns: readonly ClientConnection[]): Generator<RegisteredConnection> {
  for (const c of conns) yield { userId: c.userId, connectionId: c.id };
}

/**
 * Periodic care of the open connections: WebSocket pings (no pong in time → terminate),
 * the idle timeout (close 1001), and refreshing this gateway's registrations in Redis.
 */
export const startMaintenance = (fanout: UserFanout<ClientConnection>, registry: ConnectionRegistry, s: MaintenanceSettings, logger: Logger) => {
  const checkHeartbeats = () => {
    const now = Date.now();
    for (const conn of fanout.sinks()) {
      if (conn.pingSentAt !== null && now - conn.pingSentAt > s.heartbeatTimeoutMs) conn.terminate();
      else if (now - conn.lastActivity > s.idleTimeoutMs) conn.close(CloseCode.GOING_AWAY, 'Idle timeout');
      else if (conn.pingSentAt === null && now - conn.lastPingAt >= s.heartbeatIntervalMs) conn.ping();
    }
  };
  // One refresh at a time: a slow one (a busy Redis) is not joined by the next.
  let refreshing = false;
  const refresh = () => {
    if (refreshing) return;
    refreshing = true;
    registry
      .refresh(registrations(fanout.sinks()))
      .catch((err: Error) => logger.warn({ err }, 'registry refresh failed'))
      .finally(() => {
        refreshing = false;
      });
  };
  const heartbeat = setInterval(checkHeartbeats, Math.max(50, Math.min(s.heartbeatIntervalMs, s.heartbeatTimeoutMs) / 2));
  const registration = setInterval(refresh, Math.max(100, s.registryTtlMs / 3));
  const beat = () => void registry.heartbeat().catch((err: Error) => logger.warn({ err }, 'gateway heartbeat failed'));
  const liveness = setInterval(beat, Math.max(100, s.gatewayTtlMs / 3));
  refresh();
  return {
    stop() {
      clearInterval(heartbeat);
      clearInterval(registration);
      clearInterval(liveness);
    },
  };
};
