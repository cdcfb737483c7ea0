import { nowIso, userEventTypes, type ReminderFrame, type RemindersReadFrame, type UserEventType, type UserMessageFrame, type VoiceTranscriptFrame } from '@aurawell/protocol';
import type { Keys, Logger, RedisClient } from '@aurawell/platform';

/** A frame for every device of a user that is not part of a generation (it has no `seq`). */
export type UserEventFrame = ReminderFrame | RemindersReadFrame | UserMessageFrame | VoiceTranscriptFrame;

/** A user event as it travels: its type, the exact bytes to send, and what receivers filter on. */
export type UserEvent = { type: UserEventType; raw: string; originConnectionId: string | null; deliveryId: string | null };

/** Publishes an event on the user's channel, the one that carries their generations' frames. */
export const publishUserEvent = (redis: RedisClient, keys: Keys, userId: string, frame: UserEventFrame): Promise<unknown> =>
  redis.spublish(keys.userChannel(userId), JSON.stringify(frame));

/**
 * Deliveries just marked read go out as `reminders_read` to every device of the user. Best effort:
 * they are read either way, and a device that misses this sees them gone at its next connect.
 */
export const announceRemindersRead = async (redis: RedisClient, keys: Keys, logger: Logger, userId: string, deliveryIds: string[]): Promise<void> => {
  if (deliveryIds.length === 0) return;
  await publishUserEvent(redis, keys, userId, { type: 'reminders_read', delivery_ids: deliveryIds, timestamp: nowIso() }).catch((err: Error) =>
    logger.warn({ err, userId }, 'reminders_read not published'),
  );
};

const EVENT_TYPES = new Set<string>(userEventTypes);

/** Reads a published user event; anything else (a generation frame, garbage) is null. */
export const toUserEvent = (raw: string): UserEvent | null => {
  try {
    const f = JSON.parse(raw) as { type?: unknown; origin_connection_id?: unknown; delivery_id?: unknown };
    if (typeof f.type !== 'string' || !EVENT_TYPES.has(f.type)) return null;
    return {
      type: f.type as UserEventType,
      raw,
      originConnectionId: typeof f.origin_connection_id === 'string' ? f.origin_connection_id : null,
      deliveryId: typeof f.delivery_id === 'string' ? f.delivery_id : null,
    };
  } catch {
    return null;
  }
};
