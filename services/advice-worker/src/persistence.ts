import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ChatJob, ErrorCode, Usage } from '@aurawell/protocol';
import type { Logger } from '@aurawell/platform';
import {
  canActForMember,
  ConversationNotOwnedError,
  ensureConversation,
  loadHealthSnapshot,
  recentTurns,
  saveMessage,
  type HealthSnapshot,
  type Queryable,
  type Turn,
} from '@aurawell/db';
import { buildMessages } from './prompt';

type PromptOrError = { messages: ChatCompletionMessageParam[] } | { error: { code: ErrorCode; message: string } };

const memberName = async (db: Queryable, memberId: string): Promise<string> => {
  const { rows } = await db.query<{ name: string }>(
    'SELECT coalesce(display_name, username) AS name FROM users WHERE id = $1',
    [memberId],
  );
  return rows[0]?.name ?? memberId;
};

type Denial = { code: ErrorCode; message: string };

const UNAVAILABLE: Denial = { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后重试' };

/**
 * May this job's user chat about its member, in its conversation? Fails closed: an error while
 * checking (database down, a value it cannot compare) denies the generation; it never skips a check.
 */
const authorize = async (job: ChatJob, db: Queryable, log: Logger): Promise<Denial | null> => {
  try {
    if (job.activeMemberId && !(await canActForMember(db, job.userId, job.activeMemberId))) {
      return { code: 'FAMILY_ACCESS_DENIED', message: '您无权查看该家庭成员的数据' };
    }
    if (!job.persist) return null;
    const owned = await ensureConversation(db, { id: job.conversationId, userId: job.userId, memberId: job.activeMemberId, create: job.newConversation });
    return owned ? null : { code: 'CONVERSATION_NOT_FOUND', message: '会话不存在' };
  } catch (err) {
    log.error({ err }, 'authorization check failed; generation refused');
    return UNAVAILABLE;
  }
};

/**
 * Checks the member and the conversation, stores the user's turn, and assembles the prompt.
 * Only once the checks passed: when PostgreSQL then fails, the advice is still given, without
 * history or personal data (a slow database should not silence the assistant). A turn the schema
 * refuses as not the user's denies the generation like a failed check.
 */
export const gatherPrompt = async (job: ChatJob, db: Queryable, historyTurns: number, log: Logger): Promise<PromptOrError> => {
  const denial = await authorize(job, db, log);
  if (denial) return { error: denial };
  const subject = job.activeMemberId ?? job.userId;
  let health: HealthSnapshot | null = null;
  let history: Turn[] = [];
  let name: string | null = null;
  try {
    if (job.persist) {
      // History is read before this turn is stored, so the prompt ends with the message exactly once.
      history = historyTurns > 0 ? await recentTurns(db, job.userId, job.conversationId, historyTurns) : [];
      await saveUserTurn(db, job);
    }
    if (job.kind !== 'general') health = await loadHealthSnapshot(db, subject);
    if (job.activeMemberId && job.activeMemberId !== job.userId) name = await memberName(db, job.activeMemberId);
  } catch (err) {
    if (err instanceof ConversationNotOwnedError) return { error: { code: 'CONVERSATION_NOT_FOUND', message: '会话不存在' } };
    log.error({ err }, 'store unavailable; answering without history or personal data');
  }
  const messages = buildMessages({
    kind: job.kind,
    message: job.message,
    context: job.context,
    health,
    memberName: name,
    history,
    instructions: job.instructions,
  });
  return { messages };
};

const saveUserTurn = (db: Queryable, job: ChatJob): Promise<void> =>
  saveMessage(db, {
    conversationId: job.conversationId,
    userId: job.userId,
    role: 'user',
    content: job.message,
    status: 'complete',
    generationId: job.messageId,
  });

/** Stores the assistant's turn (also a partial one); a storage failure is logged, the answer still goes out. */
export const saveAnswer = async (
  db: Queryable,
  job: ChatJob,
  text: string,
  status: 'complete' | 'error' | 'cancelled',
  usage: Usage | null,
  log: Logger,
): Promise<void> => {
  if (!job.persist) return;
  try {
    await saveMessage(db, {
      conversationId: job.conversationId,
      userId: job.userId,
      role: 'assistant',
      content: text,
      status,
      generationId: job.messageId,
      usage,
    });
  } catch (err) {
    log.error({ err }, 'could not store the assistant turn');
  }
};
