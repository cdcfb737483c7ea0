import type { Queryable } from '@aurawell/db';
import type { FollowUps } from '../chat/suggestions';

export type ConversationRow = { id: string; type: string; title: string | null; status: string; created_at: Date; updated_at: Date };

/** `conv_{user_id}_{unix_seconds}`, the contract's form of a conversation id made by the REST routes. */
export const restConversationId = (userId: string, now = Date.now()): string => `conv_${userId}_${Math.floor(now / 1000)}`;

/**
 * Creates a new conversation of the user (routes 3, 4, and 6 without an id) with a
 * `conv_{user_id}_{unix_seconds}` id. Two in the same second must not become one conversation,
 * so a taken second moves on to the next free one: the id keeps the contract's form.
 */
export const createConversation = async (
  db: Queryable,
  c: { userId: string; type: string; metadata: Record<string, unknown>; memberId: string | null },
  now = Date.now(),
): Promise<ConversationRow> => {
  for (let offset = 0; ; offset += 1) {
    const { rows } = await db.query<ConversationRow>(
      `INSERT INTO conversations (id, user_id, member_id, type, metadata) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO NOTHING RETURNING id, type, title, status, created_at, updated_at`,
      [restConversationId(c.userId, now + offset * 1000), c.userId, c.memberId, c.type, c.metadata],
    );
    if (rows[0]) return rows[0];
    if (offset >= 1000) throw new Error('no free conversation id');
  }
};

export const ownsConversation = async (db: Queryable, id: string, userId: string): Promise<boolean> => {
  const { rowCount } = await db.query('SELECT 1 FROM conversations WHERE id = $1 AND user_id = $2', [id, userId]);
  return (rowCount ?? 0) > 0;
};

export type ConversationListRow = ConversationRow & { last_message: string | null; message_count: number };

/** The user's conversations, newest activity first, with their last message and message count. */
export const listConversations = async (db: Queryable, userId: string): Promise<ConversationListRow[]> => {
  const { rows } = await db.query<ConversationListRow>(
    `SELECT c.id, c.type, c.title, c.status, c.created_at, c.updated_at,
            (SELECT content FROM messages m WHERE m.conversation_id = c.id ORDER BY created_at DESC LIMIT 1) AS last_message,
            (SELECT count(*)::int FROM messages m WHERE m.conversation_id = c.id) AS message_count
     FROM conversations c WHERE c.user_id = $1 ORDER BY c.updated_at DESC, c.created_at DESC`,
    [userId],
  );
  return rows;
};

export type MessageRow = { id: string; role: 'user' | 'assistant'; content: string; created_at: Date; suggestions: FollowUps | null };

/** One chronological page of a conversation, and how many messages it has in all. */
export const conversationHistory = async (
  db: Queryable,
  conversationId: string,
  page: { limit: number; offset: number },
): Promise<{ messages: MessageRow[]; total: number }> => {
  const [list, count] = await Promise.all([
    db.query<MessageRow>(
      `SELECT id, role, content, created_at, suggestions FROM messages WHERE conversation_id = $1
       ORDER BY created_at ASC, role DESC LIMIT $2 OFFSET $3`,
      [conversationId, page.limit, page.offset],
    ),
    db.query<{ total: number }>('SELECT count(*)::int AS total FROM messages WHERE conversation_id = $1', [conversationId]),
  ]);
  return { messages: list.rows, total: count.rows[0]?.total ?? 0 };
};

/** Deletes the user's conversation and its messages; false when there was none to delete. */
export const deleteConversation = async (db: Queryable, id: string, userId: string): Promise<boolean> => {
  const { rowCount } = await db.query('DELETE FROM conversations WHERE id = $1 AND user_id = $2', [id, userId]);
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
