import type { Queryable } from '@aurawell/db';
import type { TokenService } from '@aurawell/platform';
import { ChatStreamRequest, ConversationListResponse, HistoryResponse, MAX_TITLE_CHARS, Minimal, RenameConversationRequest, RenameConversationResponse } from '@aurawell/protocol';
import { z } from 'zod';
import type { GenerationClient } from '../generations/client';
import { endpoint, type Endpoint } from '../http/endpoint';
import { askHandler, messageHandler, suggestionsHandler } from './ask';
import { createHandler, deleteHandler, historyHandler, listHandler, renameHandler } from './conversations';
import {
  ChatMessageRequest, ChatMessageResponse, ChatRequest, ChatResponse, ConversationCreated, ConversationIdParams,
  CreateConversationRequest, HistoryQuery, SuggestionsResponse,
} from './schemas';
import { streamHandler } from './stream';

export type ChatDeps = {
  tokens: TokenService;
  pool: Queryable;
  /** Starts generations on the shared queue and follows their frames. */
  generations: GenerationClient;
  config: { CHAT_TIMEOUT_MS: number; GENERATION_DEADLINE_MS: number };
};

const tag = 'chat';

/** Routes 4, 5, 7, 8: the caller's conversations. */
const conversationEndpoints = ({ tokens, pool }: ChatDeps): Endpoint[] => [
  endpoint(tokens, {
    method: 'post', path: '/api/v1/chat/conversation', summary: 'Create a conversation', tag, auth: true,
    body: CreateConversationRequest, response: ConversationCreated, errors: [500],
    handle: createHandler(pool),
  }),
  endpoint(tokens, {
    method: 'get', path: '/api/v1/chat/conversations', summary: 'The caller’s conversations, most recent first', tag, auth: true,
    response: ConversationListResponse,
    handle: listHandler(pool),
  }),
  endpoint(tokens, {
    method: 'get', path: '/api/v1/chat/history', summary: 'Messages of a conversation', tag, auth: true,
    query: HistoryQuery, response: HistoryResponse, errors: [404],
    handle: historyHandler(pool),
  }),
  endpoint(tokens, {
    method: 'delete', path: '/api/v1/chat/conversation/{conversation_id}', summary: 'Delete a conversation and its messages', tag, auth: true,
    params: ConversationIdParams, response: Minimal, errors: [404],
    handle: deleteHandler(pool),
  }),
];

/** The SSE fallback, and the web page's rename (beside route 8, outside the 51 routes of the contract). */
const streamAndRename = (deps: ChatDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'post',
    path: '/api/v1/chat/stream',
    summary: 'Streaming chat over Server-Sent Events (the WebSocket fallback); resumable with Last-Event-ID',
    description: 'Events: `event: <frame type>`, `id: <message_id>:<seq>`, `data: <the WebSocket frame>`.',
    tag, auth: true, body: ChatStreamRequest, response: z.string().describe('text/event-stream'), errors: [404, 429],
    handle: streamHandler(deps),
  }),
  endpoint(deps.tokens, {
    method: 'put',
    path: '/api/v1/chat/conversation/{conversation_id}/title',
    summary: 'Rename one of the caller’s conversations',
    description: `A conversation is named after its first question until renamed. 1–${MAX_TITLE_CHARS} characters after trimming, one line.`,
    tag, auth: true, params: ConversationIdParams, body: RenameConversationRequest, response: RenameConversationResponse, errors: [404],
    handle: renameHandler(deps.pool),
  }),
];

/** Routes 3–9, the SSE fallback and the rename: chat and conversations. */
export const chatRoutes = (deps: ChatDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'post', path: '/api/v1/chat', summary: 'Ask the health assistant; waits for the whole answer', tag, auth: true,
    body: ChatRequest, response: ChatResponse, errors: [429, 500],
    handle: askHandler(deps),
  }),
  ...conversationEndpoints(deps),
  endpoint(deps.tokens, {
    method: 'post', path: '/api/v1/chat/message', summary: 'Send a message in a conversation (created when absent); waits for the whole answer', tag, auth: true,
    body: ChatMessageRequest, response: ChatMessageResponse, errors: [403, 429],
    handle: messageHandler(deps),
  }),
  endpoint(null, {
    method: 'get', path: '/api/v1/chat/suggestions', summary: 'Prompt templates to start a conversation', tag, auth: false,
    response: SuggestionsResponse,
    handle: suggestionsHandler,
  }),
  ...streamAndRename(deps),
];
