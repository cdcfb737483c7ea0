import { ConversationListResponse, HistoryResponse, isoDateTime, Minimal, type HistoryPage } from '@aurawell/protocol';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { queryInt } from '../http/validate';
import { conversationHistory, createConversation, deleteConversation, listConversations, ownsConversation } from '../store/conversations';

export const CreateConversationRequest = z.object({
  type: z.string().default('health_consultation'),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});
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

/** A chronological page of the caller's own conversation; 404 for any other (route 7 and its alias). */
export const historyPage = async (deps: AppDeps, userId: string, conversationId: string, page: { limit: number; offset: number }): Promise<HistoryPage> => {
  if (!(await ownsConversation(deps.pool, conversationId, userId))) throw new HttpError(404, 'Conversation not found');
  const rows = await conversationHistory(deps.pool, userId, conversationId, page);
  const messages = rows.messages.map((m) => ({
    id: m.id,
    sender: m.role === 'user' ? ('user' as const) : ('agent' as const),
    content: m.content,
    timestamp: m.created_at.toISOString(),
    suggestions: m.role === 'assistant' ? (m.suggestions?.suggestions ?? null) : null,
    quick_replies: m.role === 'assistant' ? (m.suggestions?.quick_replies ?? null) : null,
  }));
  return { messages, total: rows.total, has_more: page.offset + messages.length < rows.total };
};

/** Route 4 (style B: no envelope). */
const create = (deps: AppDeps) =>
  endpoint(deps.tokens, {
    method: 'post',
    path: '/api/v1/chat/conversation',
    summary: 'Create a conversation',
    tag: 'chat',
    auth: true,
    body: CreateConversationRequest,
    response: ConversationCreated,
    errors: [500],
    handle: async ({ res, userId, body }) => {
      const row = await createConversation(deps.pool, { userId, type: body.type, metadata: body.metadata ?? {}, memberId: null });
      res.json({ conversation_id: row.id, type: row.type, created_at: row.created_at.toISOString(), title: row.title, status: row.status });
    },
  });

/** Route 5. */
const list = (deps: AppDeps) =>
  endpoint(deps.tokens, {
    method: 'get',
    path: '/api/v1/chat/conversations',
    summary: 'The caller’s conversations, most recent first',
    tag: 'chat',
    auth: true,
    response: ConversationListResponse,
    handle: async ({ res, userId }) => {
      const rows = await listConversations(deps.pool, userId);
      const conversations = rows.map((r) => ({
        id: r.id,
        title: r.title,
        last_message: r.last_message,
        created_at: r.created_at.toISOString(),
        updated_at: r.updated_at.toISOString(),
        message_count: r.message_count,
        status: r.status,
      }));
      sendSuccess(res, 'Conversations retrieved successfully', null, { conversations });
    },
  });

/** Route 7: a chronological page; also the turns that went over the WebSocket. */
const history = (deps: AppDeps) =>
  endpoint(deps.tokens, {
    method: 'get',
    path: '/api/v1/chat/history',
    summary: 'Messages of a conversation',
    tag: 'chat',
    auth: true,
    query: HistoryQuery,
    response: HistoryResponse,
    errors: [404],
    handle: async ({ res, userId, query }) => {
      const page = await historyPage(deps, userId, query.conversation_id, { limit: query.limit, offset: query.offset });
      sendSuccess(res, 'Chat history retrieved successfully', null, page);
    },
  });

/** Route 8 (style M). */
const remove = (deps: AppDeps) =>
  endpoint(deps.tokens, {
    method: 'delete',
    path: '/api/v1/chat/conversation/{conversation_id}',
    summary: 'Delete a conversation and its messages',
    tag: 'chat',
    auth: true,
    params: z.object({ conversation_id: z.string() }),
    response: Minimal,
    errors: [404],
    handle: async ({ res, userId, params }) => {
      if (!(await deleteConversation(deps.pool, params.conversation_id, userId))) throw new HttpError(404, 'Conversation not found');
      res.json({ success: true, message: 'Conversation deleted successfully' });
    },
  });

/** Routes 4, 5, 7, 8. */
export const conversationRoutes = (deps: AppDeps): Endpoint[] => [create(deps), list(deps), history(deps), remove(deps)];
