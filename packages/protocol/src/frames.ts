import { statusText, type ErrorCode } from './codes';
import {
  nowIso,
  type ChatStreamFrame,
  type ErrorFrame,
  type GenerationStatus,
  type ReasoningStreamFrame,
  type StatusUpdateFrame,
} from './server-frames';

/** Identifies one generation's frames. */
export type GenerationRef = { messageId: string; conversationId: string };

export const statusUpdateFrame = (
  ref: GenerationRef,
  seq: number,
  status: GenerationStatus,
  /** `null` is taken but never sent: the original's clients read `data.x` without a check. */
  data: Record<string, unknown> | null = {},
  message: string = statusText[status],
): StatusUpdateFrame => ({
  type: 'status_update',
  status,
  message,
  data: data ?? {},
  conversation_id: ref.conversationId,
  message_id: ref.messageId,
  seq,
  timestamp: nowIso(),
});

export const chatStreamFrame = (ref: GenerationRef, seq: number, delta: string): ChatStreamFrame => ({
  type: 'chat_stream',
  status: 'streaming',
  delta,
  conversation_id: ref.conversationId,
  message_id: ref.messageId,
  seq,
  timestamp: nowIso(),
});

export const reasoningStreamFrame = (ref: GenerationRef, seq: number, delta: string): ReasoningStreamFrame => ({
  type: 'reasoning_stream',
  delta,
  conversation_id: ref.conversationId,
  message_id: ref.messageId,
  seq,
  timestamp: nowIso(),
});

/** An `error` frame; inside a generation it carries the generation's ids and its `seq`. */
export const errorFrame = (
  code: ErrorCode,
  message: string,
  extra: { requestId?: string; ref?: GenerationRef; seq?: number } = {},
): ErrorFrame => ({
  type: 'error',
  error_code: code,
  message,
  timestamp: nowIso(),
  ...(extra.requestId !== undefined ? { request_id: extra.requestId } : {}),
  ...(extra.ref ? { message_id: extra.ref.messageId, conversation_id: extra.ref.conversationId } : {}),
  ...(extra.seq !== undefined ? { seq: extra.seq } : {}),
});

/** An `error` frame outside any generation (a refused frame): it has no `seq`. */
export const isRefusal = (frame: { type?: unknown; seq?: unknown }): frame is ErrorFrame => frame.type === 'error' && frame.seq === undefined;

/**
 * The `status_update` `error` sent right after a refusal, because the original's clients watch
 * only `status_update`. Its `message_id` is null and it has no `seq`: it ends no generation.
 */
export const refusalStatusFrame = (refusal: ErrorFrame): StatusUpdateFrame => ({
  type: 'status_update',
  status: 'error',
  message: refusal.message,
  data: { error_code: refusal.error_code, request_id: refusal.request_id ?? null },
  conversation_id: null,
  message_id: null,
  timestamp: refusal.timestamp,
});
