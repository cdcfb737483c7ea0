import { listDeliveries, type Queryable } from '@aurawell/db';
import { reminderFrame } from '@aurawell/protocol';
import { type Keys, type Logger, type RedisClient } from '@aurawell/platform';
import { type UserEvent } from '@aurawell/generation';
import { UNREAD_ON_CONNECT_MS } from '@aurawell/reminders';
import type { ClientConnection } from './connection';
import type { GatewayMetrics } from './metrics';

export type UserEventDeps = { redis: RedisClient; keys: Keys; db: Queryable; logger: Logger; metrics: GatewayMetrics };

/** How long a device's "seen" mark of a delivery lives: longer than any delivery stays unread on connect. */
const SEEN_TTL_MS = 8 * 24 * 3600 * 1000;
const ON_CONNECT_LIMIT = 50;

/**
 * Marks a delivery as reached by this device; true only the first time. One round trip. If Redis
 * cannot answer, nothing is sent now: the delivery stays unread and comes on the next connect.
 */
const firstTimeOnDevice = async (conn: ClientConnection, deliveryId: string, deps: UserEventDeps): Promise<boolean> => {
  const key = deps.keys.reminderSeen(conn.userId, deliveryId, conn.deviceId);
  const set = await deps.redis.set(key, Date.now(), 'PX', SEEN_TTL_MS, 'NX').catch((err: Error) => {
    deps.logger.warn({ err, connectionId: conn.id }, 'reminder seen-mark failed; deferring to next connect');
    return null;
  });
  return set === 'OK';
};

/** One event from the user's channel, for one connection. */
export const deliverUserEvent = (conn: ClientConnection, event: UserEvent, deps: UserEventDeps): void => {
  if (event.type === 'user_message' && event.originConnectionId === conn.id) return; // the sender has it
  if (event.type !== 'reminder') return conn.sendRaw(event.raw, event.type);
  const deliveryId = event.deliveryId;
  if (!deliveryId) return;
  void firstTimeOnDevice(conn, deliveryId, deps).then((first) => {
    if (!first || !conn.open) return;
    deps.metrics.remindersDelivered.inc({ when: 'due' });
    conn.sendRaw(event.raw, 'reminder');
  });
};

/**
 * On connect: the unread reminders this device has not been sent yet (the ones that came due while
 * it was offline, or reached only the user's other devices), oldest first.
 */
export const sendUnreadReminders = async (conn: ClientConnection, deps: UserEventDeps): Promise<void> => {
  // Most users had no reminder this week: one Redis lookup spares the database query on their connect.
  const recent = await deps.redis.exists(deps.keys.remindersRecent(conn.userId)).catch(() => 1);
  if (recent === 0) return;
  const unread = await listDeliveries(deps.db, conn.userId, { unreadOnly: true, limit: ON_CONNECT_LIMIT });
  // Older unread deliveries are not pushed (the REST api still lists them).
  const cutoff = Date.now() - UNREAD_ON_CONNECT_MS;
  for (const d of unread.reverse()) {
    if (d.dueAt.getTime() < cutoff || !(await firstTimeOnDevice(conn, d.id, deps)) || !conn.open) continue;
    deps.metrics.remindersDelivered.inc({ when: 'on_connect' });
    conn.send(reminderFrame(d, true));
  }
};
