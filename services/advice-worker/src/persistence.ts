import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ChatJob, ErrorCode, Usage } from '@aurawell/protocol';
import type { Logger } from '@aurawell/platform';
import { beginTurn, canActForMember, ConversationNotOwnedError, loadHealthSnapshot, saveMessage, type Queryable, type TurnContext } from '@aurawell/db';
import { buildMessages } from './prompt';

type PromptOrError = { messages: ChatCompletionMessageParam[] } | { error: { code: ErrorCode; message: string } };

const displayName = async (db: Queryable, memberId: string): Promise<string> => {
  const { rows } = await db.query<{ name: string }>(
    'SELECT coalesce(display_name, username) AS name FROM users WHERE id = $1',
    [memberId],
  );
  return rows[0]?.name ?? memberId;
};

type Denial = { code: ErrorCode; message: string };

const UNAVAILABLE: Denial = { code: 'SERVICE_UNAVAILABLE', message: '服务暂时不可用，请稍后重试' };

/**
 * May this job's user chat about its member? Fails closed: an error while checking (database
 * down, a value it cannot compare) denies the generation; it never skips a check.
 */
const authorizeMember = async (job: ChatJob, db: Queryable, log: Logger): Promise<Denial | null> => {
  if (!job.activeMemberId) return null;
  try {
    return (await canActForMember(db, job.userId, job.activeMemberId)) ? null : { code: 'FAMILY_ACCESS_DENIED', message: '您无权查看该家庭成员的数据' };
  } catch (err) {
    log.error({ err }, 'authorization check failed; generation refused');
    return UNAVAILABLE;
  }
};

const NOT_FOUND: Denial = { code: 'CONVERSATION_NOT_FOUND', message: '会话不存在' };

/**
 * Checks the member, then makes sure of the conversation, stores the user's turn and reads the
 * prompt's data in one round trip (beginTurn). That round trip is also the ownership check, so a
 * failure of it refuses the generation. A one-off question (no conversation) whose data cannot be
 * read is still answered, without personal data: a slow database should not silence the assistant.
 */
export const gatherPrompt = async (job: ChatJob, db: Queryable, historyTurns: number, log: Logger): Promise<PromptOrError> => {
  const denial = await authorizeMember(job, db, log);
  if (denial) return { error: denial };
  const subject = job.activeMemberId ?? job.userId;
  const healthOf = job.kind === 'general' ? null : subject;
  const nameOf = job.activeMemberId && job.activeMemberId !== job.userId ? job.activeMemberId : null;
  const context = job.persist ? await storedTurn(job, db, { historyTurns, healthOf, nameOf }, log) : await oneOffContext(db, healthOf, nameOf, log);
  if ('error' in context) return context;
  const messages = buildMessages({
    kind: job.kind,
    message: job.message,
    context: job.context,
    health: context.health,
    memberName: context.memberName,
    history: context.history,
    instructions: job.instructions,
  });
  return { messages };
};

type PromptData = Omit<TurnContext, 'owned'>;

const storedTurn = async (
  job: ChatJob,
  db: Queryable,
  o: { historyTurns: number; healthOf: string | null; nameOf: string | null },
  log: Logger,
): Promise<PromptData | { error: Denial }> => {
  try {
    const turn = await beginTurn(db, {
      userId: job.userId,
      conversationId: job.conversationId,
      memberId: job.activeMemberId,
      create: job.newConversation,
      generationId: job.messageId,
      question: job.message,
      ...o,
    });
    return turn.owned ? turn : { error: NOT_FOUND };
  } catch (err) {
    if (err instanceof ConversationNotOwnedError) return { error: NOT_FOUND };
    log.error({ err }, 'conversation check failed; generation refused');
    return { error: UNAVAILABLE };
  }
};

const oneOffContext = async (db: Queryable, healthOf: string | null, nameOf: string | null, log: Logger): Promise<PromptData> => {
  try {
    const [health, memberName] = await Promise.all([healthOf ? loadHealthSnapshot(db, healthOf) : null, nameOf ? displayName(db, nameOf) : null]);
    return { history: [], health, memberName };
  } catch (err) {
    log.error({ err }, 'store unavailable; answering without personal data');
    return { history: [], health: null, memberName: null };
  }
};

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
