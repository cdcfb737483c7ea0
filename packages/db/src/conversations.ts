import { randomBytes } from 'node:crypto';
import type { Queryable } from './pool';

export type Turn = { role: 'user' | 'assistant'; content: string };

/**
 * `conv_{user_id}_{unix_seconds}_{random}`: the original's form, plus 96 random bits so that an id
 * can be neither guessed nor claimed in advance by someone else (ownership is still checked on
 * every use; this keeps ids from telling or predicting anything). The one scheme of every entry point.
 */
export const newConversationId = (userId: string, now = Date.now()): string =>
  `conv_${userId}_${Math.floor(now / 1000)}_${randomBytes(12).toString('base64url')}`;

/** `msg_` + 12 hex, the original's message id form. */
export const newMessageId = (): string => `msg_${randomBytes(6).toString('hex')}`;

export type ConversationRow = { id: string; type: string; title: string | null; status: string; created_at: Date; updated_at: Date };

/** Creates a new conversation of the user, with a fresh id. */
export const createConversation = async (
  db: Queryable,
  c: { userId: string; type: string; metadata: Record<string, unknown>; memberId: string | null },
): Promise<ConversationRow> => {
  const { rows } = await db.query<ConversationRow>(
    `INSERT INTO conversations (id, user_id, member_id, type, metadata) VALUES ($1, $2, $3, $4, $5)
     RETURNING id, type, title, status, created_at, updated_at`,
    [newConversationId(c.userId), c.userId, c.memberId, c.type, c.metadata],
  );
  return rows[0]!;
};

export const ownsConversation = async (db: Queryable, id: string, userId: string): Promise<boolean> => {
  const { rowCount } = await db.query('SELECT 1 FROM conversations WHERE user_id = $1 AND id = $2', [userId, id]);
  return (rowCount ?? 0) > 0;
};

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

/** Deletes the user's conversation and its messages; false when there was none to delete. */
export const deleteConversation = async (db: Queryable, id: string, userId: string): Promise<boolean> => {
  const { rowCount } = await db.query('DELETE FROM conversations WHERE user_id = $2 AND id = $1', [id, userId]);
  return (rowCount ?? 0) > 0;
};

/**
 * Renames the user's conversation; false when the user has none with that id. The order of the
 * list (last activity) stays as it was: renaming is not activity.
 */
export const renameConversation = async (db: Queryable, userId: string, id: string, title: string): Promise<boolean> => {
  const { rowCount } = await db.query('UPDATE conversations SET title = $3 WHERE user_id = $1 AND id = $2', [userId, id, title]);
  return (rowCount ?? 0) > 0;
};

/** Follow-up cards and quick replies stored beside an assistant turn (`POST /api/v1/chat/message`). */
export type HealthSuggestion = { title: string; content: string; action: string | null; action_text: string | null };
export type QuickReply = { text: string };
export type FollowUps = { suggestions: HealthSuggestion[]; quick_replies: QuickReply[] };

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

/**
 * Makes sure the user has the conversation. Conversation ids are per user (the key is
 * (user_id, id)): another user's conversation of the same id is a different one, never touched.
 * With `create` an id the user does not have yet is created (a client may choose its ids, as the
 * original's clients do); without it, an unknown id yields false.
 */
export const ensureConversation = async (
  db: Queryable,
  c: { id: string; userId: string; memberId: string | null; create: boolean; type?: string },
): Promise<boolean> => {
  if (c.create) {
    await db.query(
      `INSERT INTO conversations (id, user_id, member_id, type, metadata) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (user_id, id) DO NOTHING`,
      [c.id, c.userId, c.memberId, c.type ?? 'health_consultation', c.memberId ? { member_id: c.memberId } : {}],
    );
  }
  return ownsConversation(db, c.id, c.userId);
};

export type NewMessage = {
  conversationId: string;
  userId: string;
  role: 'user' | 'assistant';
  content: string;
  status: 'complete' | 'cancelled' | 'error';
  generationId: string | null;
  usage?: unknown;
};

/** A turn was to be stored in a conversation that is not the user's (or does not exist). */
export class ConversationNotOwnedError extends Error {
  constructor(readonly conversationId: string) {
    super('conversation not found for this user');
    this.name = 'ConversationNotOwnedError';
  }
}

const FOREIGN_KEY_VIOLATION = '23503';

/** A write the schema refused for naming a conversation that is not the user's becomes ConversationNotOwnedError. */
export const conversationRefusal = (err: unknown, conversationId: string): unknown =>
  (err as { code?: string }).code === FOREIGN_KEY_VIOLATION ? new ConversationNotOwnedError(conversationId) : err;

/**
 * Stores one turn. Idempotent per generation and role, so a retried job does not store a turn twice:
 * a second write of the same assistant turn replaces the first (the later attempt is the truth).
 * Only into a conversation of the same user: the schema's (user_id, conversation_id) foreign key
 * refuses any other, whatever the caller checked before; that refusal is ConversationNotOwnedError.
 */
export const saveMessage = async (db: Queryable, m: NewMessage): Promise<void> => {
  try {
    // One statement: the turn and the conversation's last activity (and first title) commit together.
    await db.query(
      `WITH turn AS (
         INSERT INTO messages (id, conversation_id, user_id, role, content, status, generation_id, usage)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (generation_id, role) WHERE generation_id IS NOT NULL
         DO UPDATE SET content = EXCLUDED.content, status = EXCLUDED.status, usage = EXCLUDED.usage
         WHERE messages.user_id = EXCLUDED.user_id AND messages.conversation_id = EXCLUDED.conversation_id
         RETURNING 1)
       UPDATE conversations SET updated_at = now(), title = coalesce(title, $9)
       WHERE user_id = $3 AND id = $2 AND EXISTS (SELECT 1 FROM turn)`,
      [newMessageId(), m.conversationId, m.userId, m.role, m.content, m.status, m.generationId, m.usage ?? null, m.role === 'user' ? titleFrom(m.content) : null],
    );
  } catch (err) {
    throw conversationRefusal(err, m.conversationId);
  }
};

const TITLE_CHARS = 30;

/**
 * A conversation's title until someone renames it: its first question, on one line, cut to
 * 30 characters (code points, so a Chinese question is never split inside a character).
 */
export const titleFrom = (question: string): string | null => {
  const line = question.replace(/\s+/g, ' ').trim();
  if (!line) return null;
  const chars = [...line];
  return chars.length <= TITLE_CHARS ? line : `${chars.slice(0, TITLE_CHARS).join('')}…`;
};

export type StoredAnswer = { conversationId: string; content: string; status: 'complete' | 'cancelled' | 'error' };

/** The stored assistant turn of one of the user's generations (what serves a resume once Redis forgot it). */
export const storedAnswer = async (db: Queryable, userId: string, generationId: string): Promise<StoredAnswer | null> => {
  const { rows } = await db.query<{ conversation_id: string; content: string; status: StoredAnswer['status'] }>(
    `SELECT conversation_id, content, status FROM messages WHERE generation_id = $1 AND user_id = $2 AND role = 'assistant'`,
    [generationId, userId],
  );
  const row = rows[0];
  return row ? { conversationId: row.conversation_id, content: row.content, status: row.status } : null;
};
