import type { Queryable } from '@aurawell/db';
import type { Logger, TokenService } from '@aurawell/platform';
import { z } from 'zod';
import { envelopeOf, flatOf, HistoryPageFields } from '@aurawell/protocol';
import { historyPage } from '../chat/conversations';
import { HistoryQuery } from '../chat/schemas';
import { healthSummary } from '../health/routes';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess } from '../http/envelope';
import { readProfile, updateProfile } from '../user/routes';
import { ProfileFields, ProfileUpdateRequest } from '../user/schemas';

export type AliasDeps = { tokens: TokenService; pool: Queryable; logger: Logger };

// Paths the original service added later for its own web client (api_interface.py at its HEAD),
// outside the 51 routes of the contract. Same auth, validation and error envelopes as the routes
// they stand for; the success bodies are the ones that client reads.

const ALIAS_NOTE = 'Added by the original service for its web client.';

/** The same endpoint under another path without parameters: same handlers, documented as an alias. */
const aliasOf = (of: Endpoint, path: string): Endpoint => ({
  ...of,
  path,
  doc: { ...of.doc, path, description: `Alias of ${of.doc.method.toUpperCase()} ${of.doc.path}. ${ALIAS_NOTE}` },
});

const ConversationPath = HistoryQuery.pick({ conversation_id: true });

/**
 * Route 7 with the conversation in the path. Besides route 7's fields, the original's client
 * reads `conversation_id` and `total_count` (all messages of the conversation, as `total`).
 */
const conversationMessages = (deps: AliasDeps) =>
  endpoint(deps.tokens, {
    method: 'get',
    path: '/api/v1/chat/conversations/{conversation_id}/messages',
    summary: 'Messages of one of the caller’s conversations',
    description: `Route 7 (GET /api/v1/chat/history) with the conversation in the path. ${ALIAS_NOTE}`,
    tag: 'chat',
    auth: true,
    params: ConversationPath,
    query: HistoryQuery.omit({ conversation_id: true }),
    response: flatOf({ ...HistoryPageFields, conversation_id: z.string(), total_count: z.int() }),
    errors: [404],
    handle: async ({ res, userId, params, query }) => {
      const page = await historyPage(deps.pool, userId, params.conversation_id, query);
      sendSuccess(res, 'Chat history retrieved successfully', null, { ...page, conversation_id: params.conversation_id, total_count: page.total });
    },
  });

/** Routes 10 and 11 with the profile in `data` (style E) and the original's Chinese messages. */
const profileInData = (deps: AliasDeps): Endpoint[] => [
  endpoint(deps.tokens, {
    method: 'get',
    path: '/api/v1/user/profile/frontend',
    summary: "The caller's profile in `data`; created with defaults on first read",
    description: `GET /api/v1/user/profile with the profile in \`data\`. ${ALIAS_NOTE}`,
    tag: 'user',
    auth: true,
    response: envelopeOf(ProfileFields),
    errors: [500],
    revalidate: true,
    handle: async ({ res, userId }) => sendSuccess(res, '获取用户档案成功', await readProfile(deps, userId)),
  }),
  endpoint(deps.tokens, {
    method: 'put',
    path: '/api/v1/user/profile/frontend',
    summary: "Change some fields of the caller's profile; the profile in `data`",
    description: `PUT /api/v1/user/profile with the profile in \`data\`. ${ALIAS_NOTE}`,
    tag: 'user',
    auth: true,
    body: ProfileUpdateRequest,
    response: envelopeOf(ProfileFields),
    errors: [404, 500],
    handle: async ({ res, userId, body }) => sendSuccess(res, '更新用户档案成功', await updateProfile(deps, userId, body)),
  }),
];

/** The web-client aliases of the original service. */
export const frontendAliasRoutes = (deps: AliasDeps): Endpoint[] => [
  conversationMessages(deps),
  ...profileInData(deps),
  aliasOf(healthSummary(deps), '/api/v1/health/summary/frontend'),
];
