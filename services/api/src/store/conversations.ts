import { type ConversationRow, type Queryable } from '@aurawell/db';
import type { FollowUps } from '../chat/suggestions';

export { createConversation, ownsConversation } from '@aurawell/db';

export type ConversationListRow = ConversationRow & { last_message: string | null; message_count: number };

/** The user's conversations, newest activity first, with their last message and message count. */
export const listConversations = async (db: Queryable, userId: string): Promise<ConversationListRow[]> => {
  const { rows } = await db.query<ConversationListRow>(
    `SELECT c.id, c.type, c.title, c.status, c.created_at, c.updated_at,
            (SELECT content FROM messages m WHERE m.user_id = c.user_id AND m.conversation_id = c.id ORDER BY created_at DESC LIMIT 1) AS last_message,
            (SELECT count(*)::int FROM messages m WHERE m.user_id = c.user_id AND m.conversation_id = c.id) AS message_count
     FROM conversations c WHERE c.user_id = $1 ORDER BY c.updated_at DESC, c.created_at DESC`,
    [userId],
  );
  return rows;
};

export type MessageRow = { id: string; role: 'user' | 'assistant'; content: string; created_at: Date; suggestions: FollowUps | null };

/** One chronological page of a conversation, and how many messages it has in all. */
export const conversationHistory = async (
  db: Queryable,
  userId: string,
  conversationId: string,
  page: { limit: number; offset: number },
): Promise<{ messages: MessageRow[]; total: number }> => {
  const [list, count] = await Promise.all([
    db.query<MessageRow>(
      `SELECT id, role, content, created_at, suggestions FROM messages WHERE user_id = $1 AND conversation_id = $2
       ORDER BY created_at ASC, role DESC LIMIT $3 OFFSET $4`,
      [userId, conversationId, page.limit, page.offset],
    ),
    db.query<{ total: number }>('SELECT count(*)::int AS total FROM messages WHERE user_id = $1 AND conversation_id = $2', [userId, conversationId]),
  ]);
  return { messages: list.rows, total: count.rows[0]?.total ?? 0 };
};

/** Deletes the user's conversation and its messages; false when there was none to delete. */
export const deleteConversation = async (db: Queryable, id: string, userId: string): Promise<boolean> => {
  const { rowCount } = await db.query('DELETE FROM conversations WHERE user_id = $2 AND id = $1', [id, userId]);
  return (rowCount ?? 0) > 0;
};

/** The stored assistant turn of a generation, with the follow-ups attached to it. */
export const attachFollowUps = async (
  db: Queryable,
  generationId: string,
  followUps: FollowUps,
): Promise<{ id: string; created_at: Date } | null> => {
  const { rows } = await db.query<{ id: string; created_at: Date }>(
    `UPDATE messages SET suggestions = $2 WHERE generation_id = $1 AND role = 'assistant' RETURNING id, created_at`,
    [generationId, followUps],
  );
  return rows[0] ?? null;
};
