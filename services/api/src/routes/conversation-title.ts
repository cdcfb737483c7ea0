import type { Queryable } from '@aurawell/db';
import { MAX_TITLE_CHARS, RenameConversationRequest, RenameConversationResponse } from '@aurawell/protocol';
import { z } from 'zod';
import type { AppDeps } from '../app';
import { endpoint, type Endpoint } from '../http/endpoint';
import { sendSuccess } from '../http/envelope';
import { HttpError } from '../http/errors';

/**
 * Renames the user's conversation; false when the user has none with that id. The order of the
 * list (last activity) stays as it was: renaming is not activity.
 */
export const renameConversation = async (db: Queryable, userId: string, id: string, title: string): Promise<boolean> => {
  const { rowCount } = await db.query('UPDATE conversations SET title = $3 WHERE user_id = $1 AND id = $2', [userId, id, title]);
  return (rowCount ?? 0) > 0;
};

/** The web page's rename; beside route 8 (delete), outside the 51 routes of the contract. */
const rename = (deps: AppDeps) =>
  endpoint(deps.tokens, {
    method: 'put',
    path: '/api/v1/chat/conversation/{conversation_id}/title',
    summary: 'Rename one of the caller’s conversations',
    description: `A conversation is named after its first question until renamed. 1–${MAX_TITLE_CHARS} characters after trimming, one line.`,
    tag: 'chat',
    auth: true,
    params: z.object({ conversation_id: z.string() }),
    body: RenameConversationRequest,
    response: RenameConversationResponse,
    errors: [404],
    handle: async ({ res, userId, params, body }) => {
      if (!(await renameConversation(deps.pool, userId, params.conversation_id, body.title))) throw new HttpError(404, 'Conversation not found');
      sendSuccess(res, 'Conversation renamed', { conversation_id: params.conversation_id, title: body.title });
    },
  });

export const conversationTitleRoutes = (deps: AppDeps): Endpoint[] => [rename(deps)];
