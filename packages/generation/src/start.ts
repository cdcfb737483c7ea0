import { randomUUID } from 'node:crypto';
import { errorFrame, nowIso, statusUpdateFrame, type ChatJobInput, type GenerationRef, type UserMessageFrame } from '@aurawell/protocol';
import { enqueueChat, type ChatQueue, type Logger } from '@aurawell/platform';
import type { GenerationStore } from './store';

export type GenerationLimits = { maxGenerationsPerUser: number; generationDeadlineMs: number };
export type StartGenerationDeps = {
  store: GenerationStore;
  queue: ChatQueue;
  logger: Logger;
  limits: GenerationLimits;
  /** Publishes the user's message to their other devices (absent: nobody else is told). */
  publishEvent?: (userId: string, frame: UserMessageFrame) => Promise<unknown>;
};

/** What a producer (gateway or api) asks for; ids and times are filled in here. */
export type GenerationRequest = Omit<ChatJobInput, 'v' | 'messageId' | 'acceptedAt'>;

export type StartOutcome = { status: 'started'; ref: GenerationRef } | { status: 'too_many' };

/**
 * Accepts a generation: registers it with its `sending` frame (seq 1, published to every device
 * of the user), then enqueues the job. If the queue cannot take it, the generation ends at once
 * with `SERVICE_UNAVAILABLE` instead of hanging in `sending`. The one path for gateway and api.
 */
export const startGeneration = async (
  deps: StartGenerationDeps,
  req: GenerationRequest,
  origin: { connectionId: string | null } = { connectionId: null },
): Promise<StartOutcome> => {
  const messageId = randomUUID();
  const ref: GenerationRef = { messageId, conversationId: req.conversationId };
  const sending = statusUpdateFrame(ref, 1, 'sending', req.requestId ? { request_id: req.requestId } : null);
  const result = await deps.store.start({
    userId: req.userId,
    messageId,
    conversationId: req.conversationId,
    sendingFrame: JSON.stringify(sending),
    maxRunning: deps.limits.maxGenerationsPerUser,
    deadlineMs: deps.limits.generationDeadlineMs,
    question: req.message,
  });
  if (result !== 'started') return { status: 'too_many' };
  await tellOtherDevices(deps, req, ref, origin.connectionId);
  try {
    await enqueueChat(deps.queue, { ...req, v: 1, messageId, acceptedAt: Date.now() });
  } catch (err) {
    deps.logger.error({ err, messageId }, 'could not enqueue generation');
    await failQueued(deps.store, req.userId, ref);
  }
  return { status: 'started', ref };
};

/**
 * A conversation turn appears on the user's other devices before its answer streams: published
 * before the job is enqueued, so before any token. Best effort: the turn is stored anyway, and a
 * device that missed it sees it in its next `sync`.
 */
const tellOtherDevices = async (deps: StartGenerationDeps, req: GenerationRequest, ref: GenerationRef, originConnectionId: string | null) => {
  if (!deps.publishEvent || req.kind === 'advice' || req.persist === false) return;
  const frame: UserMessageFrame = {
    type: 'user_message',
    message_id: ref.messageId,
    conversation_id: ref.conversationId,
    kind: req.kind,
    message: req.message,
    active_member_id: req.activeMemberId,
    origin_connection_id: originConnectionId,
    timestamp: nowIso(),
  };
  await deps.publishEvent(req.userId, frame).catch((err: Error) => deps.logger.warn({ err, messageId: ref.messageId }, 'user_message not published'));
};

/** Ends a generation that never reached a worker (its owner is still `queued`). */
const failQueued = async (store: GenerationStore, userId: string, ref: GenerationRef): Promise<void> => {
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
