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
  data: Record<string, unknown> | null = null,
  message: string = statusText[status],
): StatusUpdateFrame => ({
  type: 'status_update',
  status,
  message,
  data,
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
