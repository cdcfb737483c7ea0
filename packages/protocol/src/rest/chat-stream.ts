import { z } from 'zod';
import { chatContext, conversationId, MAX_ID_CHARS, messageText, opaqueId, storableText } from '../fields';

/**
 * The body of `POST /api/v1/chat/stream`, the WebSocket's fallback: either a new question
 * (`message`) or a resume (`message_id` + `last_seq`, or a `Last-Event-ID` header, which is why
 * "one of them" is checked by the api rather than here). Its Server-Sent Events carry the
 * WebSocket's frames (`ServerFrame`), each with `id: <message_id>:<seq>`.
 */
export const ChatStreamRequest = z.object({
  type: z.enum(['health_chat', 'general_chat']).default('health_chat'),
  message: messageText.optional(),
  context: chatContext.nullish(),
  conversation_id: conversationId.nullish(),
  active_member_id: opaqueId.nullish(),
  request_id: storableText.pipe(z.string().max(MAX_ID_CHARS)).nullish(),
  message_id: opaqueId.optional(),
  last_seq: z.int().min(0).optional(),
});
export type ChatStreamRequest = z.infer<typeof ChatStreamRequest>;
/** What a client may send (`type` defaults to `health_chat`). */
export type ChatStreamRequestInput = z.input<typeof ChatStreamRequest>;
