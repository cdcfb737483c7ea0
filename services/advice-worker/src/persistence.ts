import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ChatJob, ErrorCode, Usage } from '@aurawell/protocol';
import type { Logger } from '@aurawell/platform';
import {
  canActForMember,
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

/**
 * Checks the conversation and the member, stores the user's turn, and assembles the prompt.
 * When PostgreSQL is unreachable the advice is still given, without history or personal data:
 * a slow database should not silence the assistant.
 */
export const gatherPrompt = async (job: ChatJob, db: Queryable, historyTurns: number, log: Logger): Promise<PromptOrError> => {
  const subject = job.activeMemberId ?? job.userId;
  let health: HealthSnapshot | null = null;
  let history: Turn[] = [];
  let name: string | null = null;
  try {
    if (job.activeMemberId && !(await canActForMember(db, job.userId, job.activeMemberId))) {
      return { error: { code: 'FAMILY_ACCESS_DENIED', message: '您无权查看该家庭成员的数据' } };
    }
    if (job.persist) {
      const owned = await ensureConversation(db, { id: job.conversationId, userId: job.userId, memberId: job.activeMemberId, create: job.newConversation });
      if (!owned) return { error: { code: 'CONVERSATION_NOT_FOUND', message: '会话不存在' } };
      // History is read before this turn is stored, so the prompt ends with the message exactly once.
      history = historyTurns > 0 ? await recentTurns(db, job.conversationId, historyTurns) : [];
      await saveUserTurn(db, job);
    }
    if (job.kind !== 'general') health = await loadHealthSnapshot(db, subject);
    if (job.activeMemberId && job.activeMemberId !== job.userId) name = await memberName(db, job.activeMemberId);
  } catch (err) {
    log.error({ err: (err as Error).message }, 'store unavailable; answering without history or personal data');
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
    log.error({ err: (err as Error).message }, 'could not store the assistant turn');
  }
};
