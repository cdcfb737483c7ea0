import { countUnread, markDeliveriesRead, recentConversationTurns, type SyncConversation } from '@aurawell/db';
import { nowIso, type ClientFrame, type SyncFrame } from '@aurawell/protocol';
import { announceRemindersRead, type GenerationStore } from '@aurawell/generation';
import type { ClientConnection } from './connection';
import type { UserEventDeps } from './user-events';

export type SyncDeps = UserEventDeps & { store: Pick<GenerationStore, 'running'> };

type FrameOf<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;

/** How much a device catching up is sent: the conversations active in the last month, a few turns each. */
const SYNC_LIMITS = { conversations: 10, turns: 6, sinceDays: 30 };
/** Running generations listed in a sync (a user has at most a handful; the limit guards the loop). */
const MAX_RUNNING = 20;

const toSyncConversations = (convs: SyncConversation[], since: number | null): SyncFrame['conversations'] =>
  convs
    .map((c) => ({
      conversation_id: c.conversationId,
      title: c.title,
      updated_at: c.updatedAt.toISOString(),
      turns: c.turns
        .filter((t) => since === null || t.createdAt.getTime() > since)
        .map((t) => ({ role: t.role, content: t.content, message_id: t.messageId, status: t.status, created_at: t.createdAt.toISOString() })),
    }))
    .filter((c) => since === null || c.turns.length > 0);

/** The user's generations that have not ended, with how far each has got (to `resume` from 0). */
const runningGenerations = async (userId: string, deps: SyncDeps): Promise<SyncFrame['running']> =>
  (await deps.store.running(userId, MAX_RUNNING)).map(({ messageId, meta }) => ({
    message_id: messageId,
    conversation_id: meta.conversationId,
    status: meta.status,
    seq: meta.seq,
    message: meta.question,
  }));

/** `sync`: what happened while this device was away (turns after `since`, running answers, unread reminders). */
export const handleSync = async (conn: ClientConnection, frame: FrameOf<'sync'>, deps: SyncDeps): Promise<void> => {
  const since = frame.data?.since ? Date.parse(frame.data.since) : null;
  const [conversations, running, unread] = await Promise.all([
    recentConversationTurns(deps.db, conn.userId, SYNC_LIMITS),
    runningGenerations(conn.userId, deps),
    countUnread(deps.db, conn.userId),
  ]);
  const reply: SyncFrame = {
    type: 'sync',
    conversations: toSyncConversations(conversations, since),
    running,
    unread_reminders: unread,
    timestamp: nowIso(),
    ...(frame.request_id ? { request_id: frame.request_id } : {}),
  };
  conn.send(reply);
};

/**
 * `acknowledge`: the deliveries are read, on every device: the ones newly marked go out as
 * `reminders_read` on the user's channel (this device included, as the confirmation).
 */
export const handleAcknowledge = async (conn: ClientConnection, frame: FrameOf<'acknowledge'>, deps: SyncDeps): Promise<void> => {
  const read = await markDeliveriesRead(deps.db, conn.userId, frame.data.delivery_ids);
  await announceRemindersRead(deps.redis, deps.keys, deps.logger, conn.userId, read);
  conn.send({
    type: 'status_update',
    status: 'done',
    message: '提醒已读',
    data: { delivery_ids: read, request_id: frame.request_id ?? null },
    conversation_id: conn.conversationId,
    message_id: null,
    timestamp: nowIso(),
  });
};
