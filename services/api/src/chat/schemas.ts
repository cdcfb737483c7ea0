import { chatContext, conversationId, flatOf, isoDateTime, MAX_MESSAGE_CHARS, opaqueId, storableText } from '@aurawell/protocol';
import { z } from 'zod';
import { queryInt } from '../http/validate';

/** Request and response schemas of routes 3–9 and the rename; the shapes the SDK and page read are in @aurawell/protocol. */

const trimmedId = z.string().trim().pipe(opaqueId);

// The limits of the WebSocket frames (packages/protocol), so no entry point takes more than another.
export const ChatRequest = z.object({
  message: storableText.pipe(z.string().min(1).max(1000)),
  conversation_id: conversationId.nullish().describe('ignored: every call starts a new conversation'),
  context: chatContext.nullish(),
});
export const ChatMessageRequest = z.object({
  message: storableText.pipe(z.string().min(1).max(MAX_MESSAGE_CHARS)),
  conversation_id: conversationId.nullish(),
  member_id: trimmedId.nullish(),
  context: chatContext.nullish(),
});
export type ChatRequest = z.output<typeof ChatRequest>;
export type ChatMessageRequest = z.output<typeof ChatMessageRequest>;

const HealthSuggestion = z.object({ title: z.string(), content: z.string(), action: z.string().nullable(), action_text: z.string().nullable() });
const QuickReply = z.object({ text: z.string() });

export const ChatResponse = flatOf({ reply: z.string(), user_id: z.string(), conversation_id: z.string(), tools_used: z.array(z.string()) });
export const ChatMessageResponse = flatOf({
  reply: z.string(),
  conversation_id: z.string(),
  message_id: z.string(),
  timestamp: isoDateTime,
  suggestions: z.array(HealthSuggestion).nullable(),
  quick_replies: z.array(QuickReply).nullable(),
});
export const SuggestionsResponse = flatOf({ suggestions: z.array(z.string()) });

export const CreateConversationRequest = z.object({
  type: z.string().default('health_consultation'),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});
export type CreateConversationRequest = z.output<typeof CreateConversationRequest>;
export const ConversationCreated = z.object({
  conversation_id: z.string(),
  type: z.string(),
  created_at: isoDateTime,
  title: z.string().nullable(),
  status: z.string(),
});
export const HistoryQuery = z.object({
  conversation_id: z.string(),
  limit: queryInt({ min: 1, max: 100 }).default(50),
  offset: queryInt({ min: 0 }).default(0),
});
export type HistoryQuery = z.output<typeof HistoryQuery>;
export const ConversationIdParams = z.object({ conversation_id: z.string() });
