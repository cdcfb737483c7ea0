import { canActForMember, type Queryable } from '@aurawell/db';
import {
  errorFrame,
  nowIso,
  parseClientFrame,
  statusText,
  type ClientFrame,
  type ErrorCode,
  type StatusUpdateFrame,
} from '@aurawell/protocol';
import { cancelGeneration, resumeGeneration, type UserFanout } from '@aurawell/generation';
import { startChat, type ChatDeps } from './chat';
import type { ClientConnection } from './connection';
import type { RateLimiter } from './rate-limit';
import { handleAcknowledge, handleSync, type SyncDeps } from './sync';
import type { VoiceInput } from './voice';

export type HandlerDeps = ChatDeps &
  SyncDeps & { db: Queryable; rateLimiter: RateLimiter; fanout: Pick<UserFanout<ClientConnection>, 'userCount'>; voice: VoiceInput };

type FrameOf<T extends ClientFrame['type']> = Extract<ClientFrame, { type: T }>;

/** Refuses a frame with an `error` (the connection follows it with `status_update` `error`). */
const refuse = (conn: ClientConnection, deps: HandlerDeps, code: ErrorCode, message: string, requestId: string | undefined) => {
  deps.metrics.rejected.inc({ code });
  conn.send(errorFrame(code, message, { requestId }));
};

/**
 * Answers one incoming WebSocket message. Every bad frame gets a precise `error` frame and the
 * connection stays usable; an unexpected fault becomes `INTERNAL_ERROR`, never a crash.
 */
export const handleMessage = async (conn: ClientConnection, raw: Buffer, isBinary: boolean, deps: HandlerDeps) => {
  // Binary frames are an utterance's audio: bounded by its limits, not charged per frame.
  if (isBinary) {
    deps.metrics.framesIn.inc({ type: 'audio' });
    return deps.voice.audio(conn, raw);
  }
  const parsed = parseClientFrame(raw, isBinary);
  if (!parsed.ok) {
    deps.metrics.framesIn.inc({ type: 'invalid' });
    return refuse(conn, deps, parsed.code, parsed.message, parsed.requestId);
  }
  const frame = parsed.frame;
  deps.metrics.framesIn.inc({ type: frame.type });
  // A JSON pong answers a heartbeat and asks for nothing, so like a frame that fails parsing it
  // is not charged: it never reaches Redis, and a client answering pings cannot spend its budget.
  if (frame.type === 'pong') return conn.pong();
  // Charged before any handling, one Redis round trip. Frames that fail parsing are not charged:
  // they never reach Redis, the database or a worker, and charging them would turn a flood of
  // garbage into Redis traffic (and lock a client out after one burst of typos).
  if (!(await deps.rateLimiter.allow(conn.userId))) return refuse(conn, deps, 'RATE_LIMITED', '请求过于频繁，请稍后再试', frame.request_id);
  try {
    await dispatch(conn, frame, deps);
  } catch (err) {
    deps.logger.error({ err, connectionId: conn.id, type: frame.type }, 'frame handling failed');
    refuse(conn, deps, 'INTERNAL_ERROR', '服务器内部错误，请稍后重试', frame.request_id);
  }
};

const dispatch = async (conn: ClientConnection, frame: ClientFrame, deps: HandlerDeps): Promise<void> => {
  switch (frame.type) {
    case 'health_chat':
    case 'general_chat':
      return void (await startChat(conn, frame, deps));
    case 'switch_member':
      return switchMember(conn, frame, deps);
    case 'get_status':
      return conn.send(sessionStatus(conn, frame.request_id, deps));
    case 'pong': // handled before the rate limit
      return;
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
    case 'voice_start':
      return deps.voice.start(conn, frame);
    case 'voice_end':
      return deps.voice.end(conn, frame.request_id);
    case 'voice_cancel':
      return deps.voice.cancel(conn);
    case 'voice_settings':
      conn.speakAnswers = frame.data.speak_answers;
      return;
  }
};

const switchMember = async (conn: ClientConnection, frame: FrameOf<'switch_member'>, deps: HandlerDeps) => {
  const target = frame.data.target_member_id;
  if (!(await canActForMember(deps.db, conn.userId, target))) {
    return refuse(conn, deps, 'FAMILY_ACCESS_DENIED', '您无权切换到该家庭成员', frame.request_id);
  }
  conn.activeMemberId = target === conn.userId ? null : target;
  conn.send({
    type: 'status_update',
    status: 'done',
    // The original's text; it names only the id the client sent.
    message: `已切换到成员: ${target}`,
    data: { active_member_id: target, request_id: frame.request_id ?? null },
    conversation_id: conn.conversationId,
    message_id: null,
    timestamp: nowIso(),
  });
};

/**
 * The original's `get_status` answer. Its `connected_users` counts this gateway's users (the
 * fleet's would cost a scan of the registry); the original's list of their ids is not given.
 */
const sessionStatus = (conn: ClientConnection, requestId: string | undefined, deps: HandlerDeps): StatusUpdateFrame => ({
  type: 'status_update',
  status: 'done',
  message: statusText.status,
  data: {
    session: {
      connection_id: conn.id,
      user_id: conn.userId,
      active_member_id: conn.activeMemberId ?? conn.userId,
      conversation_id: conn.conversationId,
      connected_at: conn.connectedAt.toISOString(),
      last_activity: new Date(conn.lastActivity).toISOString(),
      heartbeat_count: conn.heartbeats,
      last_pong: new Date(conn.lastPongAt).toISOString(),
    },
    connected_users: deps.fanout.userCount,
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
  const { message_id: messageId, last_seq: afterSeq } = frame.data;
  deps.metrics.resumeRequests.inc();
  const outcome = await resumeGeneration(deps, conn, { userId: conn.userId, messageId, afterSeq });
  if (outcome.found === 'stream') deps.metrics.replayedFrames.inc(outcome.replayed);
  else if (outcome.found === 'stored') conn.send(outcome.frame);
  else notFound(conn, messageId, frame.request_id, deps);
};

/** Stops a generation from any device (its end reaches every device as `cancelled`). */
const cancel = async (conn: ClientConnection, frame: FrameOf<'cancel'>, deps: HandlerDeps) => {
  const messageId = frame.data.message_id;
  if ((await cancelGeneration(deps.store, conn.userId, messageId)) === 'not_found') notFound(conn, messageId, frame.request_id, deps);
};
