import { attachFollowUps, canActForMember, createConversation, ensureConversation, saveMessage, type FollowUps, type Queryable } from '@aurawell/db';
import type { GenerationRef } from '@aurawell/protocol';
import type { Response } from 'express';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import type { GenerationClient, GenerationResult } from '../generations/client';
import type { ChatMessageRequest, ChatRequest } from './schemas';
import { APOLOGY_REPLY, CHAT_SUGGESTIONS, followUpsFor } from './suggestions';

/** What the blocking chat routes use: the store, the generation client and how long to wait for an answer. */
export type AskDeps = { pool: Queryable; generations: GenerationClient; config: { CHAT_TIMEOUT_MS: number } };

type Ctx<B> = { res: Response; userId: string; body: B };

/** The answer of a finished generation, or the HTTP error a blocking route reports. */
const answerOf = (result: GenerationResult | 'too_many'): { text: string } | HttpError => {
  if (result === 'too_many') return new HttpError(429, 'Too many answers are being generated for this user; try again shortly');
  if (result.status === 'done') return { text: result.text };
  if (result.status === 'timeout') return new HttpError(500, 'The AI service did not answer in time');
  return new HttpError(500, `The AI service could not answer (${result.errorCode ?? result.status})`);
};

/** Route 3: one answer through the same queue and worker as the WebSocket, in a new conversation. */
export const askHandler =
  (deps: AskDeps) =>
  async ({ res, userId, body }: Ctx<ChatRequest>) => {
    const conversationId = (await createConversation(deps.pool, { userId, type: 'health_consultation', metadata: {}, memberId: null })).id;
    const result = await deps.generations.follow(
      { userId, kind: 'health', message: body.message, context: null, conversationId, newConversation: false, activeMemberId: null, requestId: res.locals.requestId },
      () => {},
      { timeoutMs: deps.config.CHAT_TIMEOUT_MS },
    );
    const answer = answerOf(result);
    if (answer instanceof HttpError) throw answer;
    sendSuccess(res, 'Chat response generated successfully', null, { reply: answer.text, user_id: userId, conversation_id: conversationId, tools_used: [] });
  };

/**
 * The conversation route 6 talks in: the named one, created on first use (ids are per user, so a
 * client may choose its own, as the original's clients do), or a new one.
 */
const conversationFor = async (db: Queryable, userId: string, body: ChatMessageRequest): Promise<string> => {
  const memberId = body.member_id ?? null;
  if (body.conversation_id) {
    await ensureConversation(db, { id: body.conversation_id, userId, memberId, create: true });
    return body.conversation_id;
  }
  const metadata = memberId ? { member_id: memberId } : {};
  return (await createConversation(db, { userId, type: 'health_consultation', metadata, memberId })).id;
};

/**
 * The assistant turn the worker stored, with its follow-ups. If none is stored yet (the wait
 * timed out), the apology the client is shown is stored in its place; the worker's own write
 * for the same generation replaces its text later.
 */
const storedAnswerOf = async (db: Queryable, userId: string, ref: GenerationRef, followUps: FollowUps) => {
  const saved = await attachFollowUps(db, ref.messageId, followUps);
  if (saved) return saved;
  await saveMessage(db, { conversationId: ref.conversationId, userId, role: 'assistant', content: APOLOGY_REPLY, status: 'error', generationId: ref.messageId });
  return attachFollowUps(db, ref.messageId, followUps);
};

/** Route 6: a turn in a stored conversation, with follow-up suggestions saved beside the answer. */
export const messageHandler =
  (deps: AskDeps) =>
  async ({ res, userId, body }: Ctx<ChatMessageRequest>) => {
    const memberId = body.member_id ?? null;
    if (memberId && !(await canActForMember(deps.pool, userId, memberId))) throw new HttpError(403, 'You may not act for this family member');
    const conversationId = await conversationFor(deps.pool, userId, body);
    const result = await deps.generations.follow(
      { userId, kind: 'health', message: body.message, context: body.context ?? null, conversationId, newConversation: false, activeMemberId: memberId, requestId: res.locals.requestId },
      () => {},
      { timeoutMs: deps.config.CHAT_TIMEOUT_MS },
    );
    if (result === 'too_many') throw answerOf(result);
    const ok = result.status === 'done';
    const followUps: FollowUps = ok ? followUpsFor(body.message) : { suggestions: [], quick_replies: [] };
    const saved = await storedAnswerOf(deps.pool, userId, result.ref, followUps);
    sendSuccess(res, 'Message processed successfully', null, {
      reply: ok ? result.text : APOLOGY_REPLY,
      conversation_id: conversationId,
      message_id: saved?.id,
      timestamp: (saved?.created_at ?? new Date()).toISOString(),
      ...followUps,
    });
  };

/** Route 9 (public). */
export const suggestionsHandler = ({ res }: { res: Response }) =>
  sendSuccess(res, 'Chat suggestions retrieved successfully', null, { suggestions: CHAT_SUGGESTIONS });
