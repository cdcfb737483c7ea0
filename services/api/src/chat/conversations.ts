import { conversationHistory, createConversation, deleteConversation, listConversations, ownsConversation, renameConversation, type Queryable } from '@aurawell/db';
import type { HistoryPage, RenameConversationRequest } from '@aurawell/protocol';
import type { Response } from 'express';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import type { CreateConversationRequest, HistoryQuery } from './schemas';

type Ctx = { res: Response; userId: string };
type IdParams = { params: { conversation_id: string } };

const notFound = () => new HttpError(404, 'Conversation not found');

/** A chronological page of the caller's own conversation; 404 for any other (route 7 and its alias). */
export const historyPage = async (db: Queryable, userId: string, conversationId: string, page: { limit: number; offset: number }): Promise<HistoryPage> => {
  if (!(await ownsConversation(db, conversationId, userId))) throw notFound();
  const rows = await conversationHistory(db, userId, conversationId, page);
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
export const createHandler =
  (db: Queryable) =>
  async ({ res, userId, body }: Ctx & { body: CreateConversationRequest }) => {
    const row = await createConversation(db, { userId, type: body.type, metadata: body.metadata ?? {}, memberId: null });
    res.json({ conversation_id: row.id, type: row.type, created_at: row.created_at.toISOString(), title: row.title, status: row.status });
  };

/** Route 5. */
export const listHandler =
  (db: Queryable) =>
  async ({ res, userId }: Ctx) => {
    const rows = await listConversations(db, userId);
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
  };

/** Route 7: a chronological page; also the turns that went over the WebSocket. */
export const historyHandler =
  (db: Queryable) =>
  async ({ res, userId, query }: Ctx & { query: HistoryQuery }) => {
    const page = await historyPage(db, userId, query.conversation_id, { limit: query.limit, offset: query.offset });
    sendSuccess(res, 'Chat history retrieved successfully', null, page);
  };

/** Route 8 (style M). */
export const deleteHandler =
  (db: Queryable) =>
  async ({ res, userId, params }: Ctx & IdParams) => {
    if (!(await deleteConversation(db, params.conversation_id, userId))) throw notFound();
    res.json({ success: true, message: 'Conversation deleted successfully' });
  };

/** The web page's rename; beside route 8 (delete), outside the 51 routes of the contract. */
export const renameHandler =
  (db: Queryable) =>
  async ({ res, userId, params, body }: Ctx & IdParams & { body: RenameConversationRequest }) => {
    if (!(await renameConversation(db, userId, params.conversation_id, body.title))) throw notFound();
    sendSuccess(res, 'Conversation renamed', { conversation_id: params.conversation_id, title: body.title });
  };
