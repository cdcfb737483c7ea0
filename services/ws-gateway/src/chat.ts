import { randomUUID } from 'node:crypto';
import { enqueueChat, type ChatQueue, type GenerationStore, type Logger } from '@aurawell/platform';
import { newConversationId } from '@aurawell/db';
import { errorFrame, statusUpdateFrame, type ChatFrame, type ChatJob } from '@aurawell/protocol';
import type { ClientConnection } from './connection';
import type { GatewayMetrics } from './metrics';

export type ChatDeps = {
  store: GenerationStore;
  queue: ChatQueue;
  logger: Logger;
  metrics: GatewayMetrics;
  limits: { maxGenerationsPerUser: number; generationDeadlineMs: number; maxMessageChars: number };
};

/**
 * Accepts a chat: registers the generation with its `sending` frame (published to every device
 * of the user), then enqueues the job. If the queue cannot take it, the generation ends at once
 * with `SERVICE_UNAVAILABLE` instead of hanging in `sending`.
 */
export const startChat = async (conn: ClientConnection, frame: ChatFrame, deps: ChatDeps): Promise<void> => {
  const started = performance.now();
  const requestId = frame.request_id;
  if ([...frame.data.message].length > deps.limits.maxMessageChars) {
    conn.send(errorFrame('VALIDATION_ERROR', `data.message: must be at most ${deps.limits.maxMessageChars} characters`, { requestId }));
    return;
  }
  const messageId = randomUUID();
  const newConversation = frame.conversation_id === undefined;
  const conversationId = frame.conversation_id ?? conn.conversationId ?? newConversationId(conn.userId);
  conn.conversationId = conversationId;
  const ref = { messageId, conversationId };
  const sending = statusUpdateFrame(ref, 1, 'sending', requestId ? { request_id: requestId } : null);
  const result = await deps.store.start({
    userId: conn.userId,
    messageId,
    conversationId,
    sendingFrame: JSON.stringify(sending),
    maxRunning: deps.limits.maxGenerationsPerUser,
    deadlineMs: deps.limits.generationDeadlineMs,
  });
  if (result !== 'started') {
    conn.send(errorFrame('TOO_MANY_GENERATIONS', `at most ${deps.limits.maxGenerationsPerUser} answers can be generated at once`, { requestId }));
    return;
  }
  deps.metrics.timeToSending.observe((performance.now() - started) / 1000);
  const job: ChatJob = {
    v: 1,
    messageId,
    userId: conn.userId,
    kind: frame.type === 'health_chat' ? 'health' : 'general',
    message: frame.data.message,
    context: frame.data.context ?? null,
    conversationId,
    newConversation,
    activeMemberId: frame.active_member_id ?? conn.activeMemberId,
    requestId: requestId ?? null,
    acceptedAt: Date.now(),
  };
  try {
    await enqueueChat(deps.queue, job);
    deps.metrics.generationsStarted.inc();
  } catch (err) {
    deps.logger.error({ err: (err as Error).message, messageId }, 'could not enqueue chat');
    await failQueued(deps.store, conn.userId, ref);
  }
};

/** Ends a generation that never reached a worker (the gateway still owns it as `queued`). */
const failQueued = async (store: GenerationStore, userId: string, ref: { messageId: string; conversationId: string }) => {
  const message = '服务暂时不可用，请稍后重试';
  const base = { userId, messageId: ref.messageId, owner: 'queued' };
  await store.append({ ...base, seq: 2, frame: JSON.stringify(errorFrame('SERVICE_UNAVAILABLE', message, { ref, seq: 2 })) });
  await store.append({
    ...base,
    seq: 3,
    status: 'error',
    frame: JSON.stringify(statusUpdateFrame(ref, 3, 'error', { error_code: 'SERVICE_UNAVAILABLE' }, message)),
  });
};
