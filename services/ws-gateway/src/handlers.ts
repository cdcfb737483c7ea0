import { randomUUID } from 'node:crypto';
import { canActForMember, storedAnswer, type Queryable } from '@aurawell/db';
import {
  errorFrame,
  nowIso,
  parseClientFrame,
  statusUpdateFrame,
  terminalStatuses,
  type ClientFrame,
  type GenerationStatus,
} from '@aurawell/protocol';
import { toBusFrame } from '@aurawell/platform';
import { startChat, type ChatDeps } from './chat';
import type { ClientConnection } from './connection';
import type { RateLimiter } from './rate-limit';
import { handleAcknowledge, handleSync, type SyncDeps } from './sync';

export type HandlerDeps = ChatDeps & SyncDeps & { db: Queryable; rateLimiter: RateLimiter };

type FrameOf<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;

/**
 * Answers one incoming WebSocket message. Every bad frame gets a precise `error` frame and the
 * connection stays usable; an unexpected fault becomes `INTERNAL_ERROR`, never a crash.
 */
export const handleMessage = async (conn: ClientConnection, raw: Buffer, isBinary: boolean, deps: HandlerDeps) => {
  const parsed = parseClientFrame(raw, isBinary);
  if (!parsed.ok) {
    deps.metrics.framesIn.inc({ type: 'invalid' });
    deps.metrics.rejected.inc({ code: parsed.code });
    conn.send(errorFrame(parsed.code, parsed.message, { requestId: parsed.requestId }));
    return;
  }
  const frame = parsed.frame;
  deps.metrics.framesIn.inc({ type: frame.type });
  // Charged before any handling, one Redis round trip. Frames that fail parsing are not charged:
  // they never reach Redis, the database or a worker, and charging them would turn a flood of
  // garbage into Redis traffic (and lock a client out after one burst of typos).
  if (!(await deps.rateLimiter.allow(conn.userId))) {
    deps.metrics.rejected.inc({ code: 'RATE_LIMITED' });
    conn.send(errorFrame('RATE_LIMITED', '请求过于频繁，请稍后再试', { requestId: frame.request_id }));
    return;
  }
  try {
    await dispatch(conn, frame, deps);
  } catch (err) {
    deps.logger.error({ err, connectionId: conn.id, type: frame.type }, 'frame handling failed');
    deps.metrics.rejected.inc({ code: 'INTERNAL_ERROR' });
    conn.send(errorFrame('INTERNAL_ERROR', '服务器内部错误，请稍后重试', { requestId: frame.request_id }));
  }
};

const dispatch = async (conn: ClientConnection, frame: ClientFrame, deps: HandlerDeps): Promise<void> => {
  switch (frame.type) {
    case 'health_chat':
    case 'general_chat':
      return startChat(conn, frame, deps);
    case 'switch_member':
      return switchMember(conn, frame, deps);
    case 'get_status':
      return conn.send(sessionStatus(conn, frame.request_id));
    case 'ping':
      return conn.send({ type: 'pong', timestamp: nowIso(), ...(frame.request_id ? { request_id: frame.request_id } : {}) });
    case 'cancel':
      return cancel(conn, frame, deps);
    case 'resume':
      return resume(conn, frame, deps);
    case 'acknowledge':
      return handleAcknowledge(conn, frame, deps);
    case 'sync':
      return handleSync(conn, frame, deps);
  }
};

const switchMember = async (conn: ClientConnection, frame: FrameOf<'switch_member'>, deps: HandlerDeps) => {
  const target = frame.data.target_member_id;
  if (!(await canActForMember(deps.db, conn.userId, target))) {
    deps.metrics.rejected.inc({ code: 'FAMILY_ACCESS_DENIED' });
    conn.send(errorFrame('FAMILY_ACCESS_DENIED', '您无权切换到该家庭成员', { requestId: frame.request_id }));
    return;
  }
  conn.activeMemberId = target === conn.userId ? null : target;
  conn.send({
    type: 'status_update',
    status: 'done',
    message: '已切换家庭成员',
    data: { active_member_id: target, request_id: frame.request_id ?? null },
    conversation_id: conn.conversationId,
    message_id: null,
    timestamp: nowIso(),
  });
};

const sessionStatus = (conn: ClientConnection, requestId: string | undefined) => ({
  type: 'status_update',
  status: 'done',
  message: '会话状态',
  data: {
    session: {
      connection_id: conn.id,
      user_id: conn.userId,
      active_member_id: conn.activeMemberId ?? conn.userId,
      conversation_id: conn.conversationId,
      connected_at: conn.connectedAt.toISOString(),
    },
    server_time: nowIso(),
    request_id: requestId ?? null,
  },
  conversation_id: conn.conversationId,
  message_id: null,
  timestamp: nowIso(),
});

const notFound = (conn: ClientConnection, messageId: string, requestId: string | undefined, deps: HandlerDeps) => {
  deps.metrics.rejected.inc({ code: 'GENERATION_NOT_FOUND' });
  conn.send({ ...errorFrame('GENERATION_NOT_FOUND', '找不到该回复', { requestId }), message_id: messageId });
};

/** Replays what the client missed, then lets the live frames continue, without gap or repeat. */
const resume = async (conn: ClientConnection, frame: FrameOf<'resume'>, deps: HandlerDeps) => {
  const { message_id: messageId, last_seq: lastSeq } = frame.data;
  deps.metrics.resumeRequests.inc();
  conn.beginReplay(messageId, lastSeq);
  const stored = await deps.store.framesAfter(conn.userId, messageId, lastSeq).catch((err: unknown) => {
    conn.endReplay(messageId, []);
    throw err;
  });
  deps.metrics.replayedFrames.inc(stored.length);
  const meta = stored.length > 0 ? true : await deps.store.meta(conn.userId, messageId);
  conn.endReplay(messageId, stored.map((s) => toBusFrame(s.frame)).filter((f) => f !== null));
  if (!meta) await resumeFromStore(conn, messageId, frame.request_id, deps);
};

const STORED_STATUS = { complete: 'done', cancelled: 'cancelled', error: 'error' } as const;

/**
 * Past the replay window only the stored answer is left: the client gets its terminal status
 * with the whole text (`data.from_store`, no `seq`: the frame-by-frame history is gone).
 */
const resumeFromStore = async (conn: ClientConnection, messageId: string, requestId: string | undefined, deps: HandlerDeps) => {
  const answer = await storedAnswer(deps.db, conn.userId, messageId);
  if (!answer) return notFound(conn, messageId, requestId, deps);
  const status = STORED_STATUS[answer.status];
  const ref = { messageId, conversationId: answer.conversationId };
  const data = { full_response: answer.content, conversation_id: answer.conversationId, message_id: messageId, response_length: [...answer.content].length, from_store: true };
  const { seq: _seq, ...terminal } = statusUpdateFrame(ref, 1, status, status === 'error' ? { ...data, partial_response: answer.content } : data);
  conn.send(terminal);
};

/**
 * Stops a generation from any device. A generation no worker has taken yet is ended here
 * (the claim only succeeds while the gateway still owns it); a running one is stopped by its worker.
 */
const cancel = async (conn: ClientConnection, frame: FrameOf<'cancel'>, deps: HandlerDeps) => {
  const messageId = frame.data.message_id;
  const meta = await deps.store.meta(conn.userId, messageId);
  if (!meta) return notFound(conn, messageId, frame.request_id, deps);
  if (terminalStatuses.has(meta.status as GenerationStatus)) return;
  await deps.store.requestCancel(conn.userId, messageId);
  const owner = `gateway-cancel:${randomUUID()}`;
  const seq = await deps.store.claim(conn.userId, messageId, owner, 'queued');
  if (seq === null) return;
  const ref = { messageId, conversationId: meta.conversationId };
  await deps.store.append({
    userId: conn.userId,
    messageId,
    owner,
    seq: seq + 1,
    status: 'cancelled',
    frame: JSON.stringify(statusUpdateFrame(ref, seq + 1, 'cancelled', { partial_response: '' })),
  });
};
