import type { Queryable } from './pool';

export type SyncTurnRow = { role: 'user' | 'assistant'; content: string; messageId: string | null; status: 'complete' | 'cancelled' | 'error'; createdAt: Date };
export type SyncConversation = { conversationId: string; title: string | null; updatedAt: Date; turns: SyncTurnRow[] };

type Row = {
  id: string;
  title: string | null;
  updated_at: Date;
  role: SyncTurnRow['role'] | null;
  content: string | null;
  generation_id: string | null;
  status: SyncTurnRow['status'] | null;
  created_at: Date | null;
};

/**
 * What a device that comes online needs to catch up: the user's most recently active conversations
 * (within `sinceDays`) with their last turns, oldest turn first. One query.
 */
export const recentConversationTurns = async (
  db: Queryable,
  userId: string,
  opts: { conversations: number; turns: number; sinceDays: number },
): Promise<SyncConversation[]> => {
  const { rows } = await db.query<Row>(
    `SELECT c.id, c.title, c.updated_at, m.role, m.content, m.generation_id, m.status, m.created_at
       FROM (SELECT id, title, updated_at FROM conversations
              WHERE user_id = $1 AND status = 'active' AND updated_at > now() - make_interval(days => $4)
              ORDER BY updated_at DESC LIMIT $2) c
       LEFT JOIN LATERAL (SELECT role, content, generation_id, status, created_at FROM messages
                           WHERE user_id = $1 AND conversation_id = c.id ORDER BY created_at DESC LIMIT $3) m ON true
      ORDER BY c.updated_at DESC, c.id, m.created_at ASC`,
    [userId, opts.conversations, opts.turns, opts.sinceDays],
  );
  const byId = new Map<string, SyncConversation>();
  for (const r of rows) {
    let conv = byId.get(r.id);
    if (!conv) byId.set(r.id, (conv = { conversationId: r.id, title: r.title, updatedAt: r.updated_at, turns: [] }));
    if (r.role === null) continue;
    conv.turns.push({ role: r.role, content: r.content ?? '', messageId: r.generation_id, status: r.status ?? 'complete', createdAt: r.created_at as Date });
  }
  return [...byId.values()];
};
