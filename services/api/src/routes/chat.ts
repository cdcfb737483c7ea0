import { canActForMember, ensureConversation, saveMessage } from '@aurawell/db';
import { chatContext, conversationId, flatOf, isoDateTime, MAX_MESSAGE_CHARS, opaqueId, storableText, type GenerationRef } from '@aurawell/protocol';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { APOLOGY_REPLY, CHAT_SUGGESTIONS, followUpsFor, type FollowUps } from '../chat/suggestions';
import type { GenerationResult } from '../chat/generations';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';
import { attachFollowUps, createConversation } from '../store/conversations';
import { conversationRoutes } from './conversations';

const trimmedId = z.string().trim().pipe(opaqueId);

// The limits of the WebSocket frames (packages/protocol), so no entry point takes more than another.
export const ChatRequest = z.object({
  message: storableText.pipe(z.string().min(1).max(1000)),
  conversation_id: conversationId.nullish().describe('ignored: every call starts a new conversation'),
  context: chatContext.nullish(),
});
export const ChatMessageRequest = z.object({
  message: storableText.pipe(z.string().min(1).max(MAX_MESSAGE_CHARS)),
  conversation_id: conversationId.nullish(),
  member_id: trimmedId.nullish(),
  context: chatContext.nullish(),
});

const HealthSuggestion = z.object({ title: z.string(), content: z.string(), action: z.string().nullable(), action_text: z.string().nullable() });
const QuickReply = z.object({ text: z.string() });

export const ChatResponse = flatOf({ reply: z.string(), user_id: z.string(), conversation_id: z.string(), tools_used: z.array(z.string()) });
export const ChatMessageResponse = flatOf({
  reply: z.string(),
  conversation_id: z.string(),
  message_id: z.string(),
  timestamp: isoDateTime,
  suggestions: z.array(HealthSuggestion).nullable(),
  quick_replies: z.array(QuickReply).nullable(),
});

/** The answer of a finished generation, or the HTTP error a blocking route reports. */
const answerOf = (result: GenerationResult | 'too_many'): { text: string } | HttpError => {
  if (result === 'too_many') return new HttpError(429, 'Too many answers are being generated for this user; try again shortly');
  if (result.status === 'done') return { text: result.text };
  if (result.status === 'timeout') return new HttpError(500, 'The AI service did not answer in time');
  return new HttpError(500, `The AI service could not answer (${result.errorCode ?? result.status})`);
};

/** Route 3: one answer through the same queue and worker as the WebSocket, in a new conversation. */
const chat = (deps: AppDeps) =>
  endpoint(deps.tokens, {
    method: 'post',
    path: '/api/v1/chat',
    summary: 'Ask the health assistant; waits for the whole answer',
    tag: 'chat',
    auth: true,
    body: ChatRequest,
    response: ChatResponse,
    errors: [429, 500],
    handle: async ({ res, userId, body }) => {
      const conversationId = (await createConversation(deps.pool, { userId, type: 'health_consultation', metadata: {}, memberId: null })).id;
      const result = await deps.generations.follow(
        { userId, kind: 'health', message: body.message, context: null, conversationId, newConversation: false, activeMemberId: null, requestId: res.locals.requestId },
        () => {},
        { timeoutMs: deps.config.CHAT_TIMEOUT_MS },
      );
      const answer = answerOf(result);
      if (answer instanceof HttpError) throw answer;
      sendSuccess(res, 'Chat response generated successfully', null, { reply: answer.text, user_id: userId, conversation_id: conversationId, tools_used: [] });
    },
  });

/**
 * The conversation route 6 talks in: the named one, created on first use (ids are per user, so a
 * client may choose its own, as the original's clients do), or a new one.
 */
const conversationFor = async (deps: AppDeps, userId: string, body: z.output<typeof ChatMessageRequest>): Promise<string> => {
  const memberId = body.member_id ?? null;
  if (body.conversation_id) {
    await ensureConversation(deps.pool, { id: body.conversation_id, userId, memberId, create: true });
    return body.conversation_id;
  }
  const metadata = memberId ? { member_id: memberId } : {};
  return (await createConversation(deps.pool, { userId, type: 'health_consultation', metadata, memberId })).id;
};

/**
 * The assistant turn the worker stored, with its follow-ups. If none is stored yet (the wait
 * timed out), the apology the client is shown is stored in its place; the worker's own write
 * for the same generation replaces its text later.
 */
const storedAnswerOf = async (deps: AppDeps, userId: string, ref: GenerationRef, followUps: FollowUps) => {
  const saved = await attachFollowUps(deps.pool, ref.messageId, followUps);
  if (saved) return saved;
  await saveMessage(deps.pool, { conversationId: ref.conversationId, userId, role: 'assistant', content: APOLOGY_REPLY, status: 'error', generationId: ref.messageId });
  return attachFollowUps(deps.pool, ref.messageId, followUps);
};

/** Route 6: a turn in a stored conversation, with follow-up suggestions saved beside the answer. */
const chatMessage = (deps: AppDeps) =>
  endpoint(deps.tokens, {
    method: 'post',
    path: '/api/v1/chat/message',
    summary: 'Send a message in a conversation (created when absent); waits for the whole answer',
    tag: 'chat',
    auth: true,
    body: ChatMessageRequest,
    response: ChatMessageResponse,
    errors: [403, 429],
    handle: async ({ res, userId, body }) => {
      const memberId = body.member_id ?? null;
      if (memberId && !(await canActForMember(deps.pool, userId, memberId))) throw new HttpError(403, 'You may not act for this family member');
      const conversationId = await conversationFor(deps, userId, body);
      const result = await deps.generations.follow(
        { userId, kind: 'health', message: body.message, context: body.context ?? null, conversationId, newConversation: false, activeMemberId: memberId, requestId: res.locals.requestId },
        () => {},
        { timeoutMs: deps.config.CHAT_TIMEOUT_MS },
      );
      if (result === 'too_many') throw answerOf(result);
      const ok = result.status === 'done';
      const followUps: FollowUps = ok ? followUpsFor(body.message) : { suggestions: [], quick_replies: [] };
      const saved = await storedAnswerOf(deps, userId, result.ref, followUps);
      sendSuccess(res, 'Message processed successfully', null, {
        reply: ok ? result.text : APOLOGY_REPLY,
        conversation_id: conversationId,
        message_id: saved?.id,
        timestamp: (saved?.created_at ?? new Date()).toISOString(),
        ...followUps,
      });
    },
  });

/** Route 9 (public). */
const suggestions = () =>
  endpoint(null, {
    method: 'get',
    path: '/api/v1/chat/suggestions',
    summary: 'Prompt templates to start a conversation',
    tag: 'chat',
    auth: false,
    response: flatOf({ suggestions: z.array(z.string()) }),
    handle: ({ res }) => sendSuccess(res, 'Chat suggestions retrieved successfully', null, { suggestions: CHAT_SUGGESTIONS }),
  });

/** Routes 3–9: chat and conversations. */
export const chatRoutes = (deps: AppDeps): Endpoint[] => [chat(deps), ...conversationRoutes(deps), chatMessage(deps), suggestions()];
