import { randomUUID } from 'node:crypto';
import type { Keys, Logger, RedisClient } from '@aurawell/platform';
import { isTerminalStatus, statusUpdateFrame } from '@aurawell/protocol';
import type { GenerationStore } from './store';

/** What a cancel found: no such generation (for this user), one already over, or one now stopping. */
export type CancelOutcome = 'not_found' | 'over' | 'stopping';

/**
 * Stops a generation from any device. Every worker is told (the one running it stops and writes
 * `cancelled` with the partial answer); a generation no worker has taken yet is ended here, as
 * the claim only succeeds while it is still `queued`.
 */
export const cancelGeneration = async (store: GenerationStore, userId: string, messageId: string): Promise<CancelOutcome> => {
  const meta = await store.meta(userId, messageId);
  if (!meta) return 'not_found';
  if (isTerminalStatus(meta.status)) return 'over';
  await store.requestCancel(userId, messageId);
  const owner = `cancel:${randomUUID()}`;
  const seq = await store.claim(userId, messageId, owner, 'queued');
  if (seq === null) return 'stopping';
  const ref = { messageId, conversationId: meta.conversationId };
  await store.append({
    userId,
    messageId,
    owner,
    seq: seq + 1,
    status: 'cancelled',
    frame: JSON.stringify(statusUpdateFrame(ref, seq + 1, 'cancelled', { partial_response: '' })),
  });
  return 'stopping';
};

/**
 * Listens for cancels on the fleet's cancel channel (published by `requestCancel`); `onCancel`
 * gets the message id of each. Resolves once subscribed.
 */
export const listenForCancels = async (
  subscriber: RedisClient,
  keys: Keys,
  logger: Logger,
  onCancel: (messageId: string) => void,
): Promise<void> => {
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== keys.cancelChannel) return;
    try {
      const { messageId } = JSON.parse(message) as { messageId?: unknown };
      if (typeof messageId === 'string') onCancel(messageId);
    } catch {
      logger.warn('malformed cancel message ignored');
    }
  });
  await subscriber.subscribe(keys.cancelChannel);
};
