import { z } from 'zod';
import { storableText } from '../fields';
import { isoDateTime } from './dates';
import { envelopeOf, flatOf } from './envelope';
import { MAX_TITLE_CHARS } from '../plain';

/** One entry of `GET /api/v1/chat/conversations`, most recent first. */
export const ConversationListItem = z.object({
  id: z.string(),
  title: z.string().nullable(),
  last_message: z.string().nullable(),
  created_at: isoDateTime,
  updated_at: isoDateTime,
  message_count: z.int(),
  status: z.string(),
});
export const ConversationListResponse = flatOf({ conversations: z.array(ConversationListItem) });

/** One turn of `GET /api/v1/chat/history` (also the turns that went over the WebSocket). */
export const HistoryMessage = z.object({
  id: z.string(),
  sender: z.enum(['user', 'agent']),
  content: z.string(),
  timestamp: isoDateTime,
  suggestions: z.array(z.record(z.string(), z.unknown())).nullable(),
  quick_replies: z.array(z.object({ text: z.string() })).nullable(),
});
/** The history page's fields beside the envelope (the route and its frontend alias). */
export const HistoryPageFields = { messages: z.array(HistoryMessage), total: z.int(), has_more: z.boolean() };
export const HistoryResponse = flatOf(HistoryPageFields);

/**
 * `PUT /api/v1/chat/conversation/{id}/title` body. Trimmed first, so a title of spaces is empty;
 * control characters (a newline) would break the one-line list the title is shown in, so they
 * are refused rather than silently changed.
 */
export const RenameConversationRequest = z.object({
  title: storableText
    .pipe(z.string().trim().min(1).max(MAX_TITLE_CHARS))
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: 'must not contain control characters' }),
});
export const RenameConversationResponse = envelopeOf(z.object({ conversation_id: z.string(), title: z.string() }));

export type ConversationListItem = z.infer<typeof ConversationListItem>;
export type ConversationListResponse = z.infer<typeof ConversationListResponse>;
export type HistoryMessage = z.infer<typeof HistoryMessage>;
export type HistoryResponse = z.infer<typeof HistoryResponse>;
export type HistoryPage = Pick<HistoryResponse, keyof typeof HistoryPageFields>;
export type RenameConversationRequest = z.infer<typeof RenameConversationRequest>;
export type RenameConversationResponse = z.infer<typeof RenameConversationResponse>;
