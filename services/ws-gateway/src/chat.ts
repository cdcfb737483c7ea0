import { startGeneration, type StartGenerationDeps } from '@aurawell/generation';
import { newConversationId } from '@aurawell/db';
import { errorFrame, type ChatFrame, type GenerationRef } from '@aurawell/protocol';
import type { ClientConnection } from './connection';
import type { GatewayMetrics, GenerationTimings } from './metrics';

export type ChatDeps = StartGenerationDeps & { metrics: GatewayMetrics; maxMessageChars: number; timings?: GenerationTimings };

/**
 * A chat frame from a device: continues the device's conversation (or the one the frame names),
 * for the device's active member (or the one the frame names), and starts the generation.
 */
export const startChat = async (conn: ClientConnection, frame: ChatFrame, deps: ChatDeps): Promise<GenerationRef | null> => {
  const started = performance.now();
  const requestId = frame.request_id;
  if ([...frame.data.message].length > deps.maxMessageChars) {
    conn.send(errorFrame('VALIDATION_ERROR', `data.message: must be at most ${deps.maxMessageChars} characters`, { requestId }));
    return null;
  }
  const conversationId = frame.conversation_id ?? conn.conversationId ?? newConversationId(conn.userId);
  conn.conversationId = conversationId;
  const outcome = await startGeneration(deps, {
    userId: conn.userId,
    kind: frame.type === 'health_chat' ? 'health' : 'general',
    message: frame.data.message,
    context: frame.data.context ?? null,
    conversationId,
    // Created on first use, whoever chose the id: conversation ids are per user, so a client's own
    // ids (as the original's clients make them) never meet another user's conversation.
    newConversation: true,
    activeMemberId: frame.active_member_id ?? conn.activeMemberId,
    requestId: requestId ?? null,
    speak: frame.data.speak ?? conn.speakAnswers,
  }, { connectionId: conn.id });
  if (outcome.status === 'too_many') {
    deps.metrics.rejected.inc({ code: 'TOO_MANY_GENERATIONS' });
    conn.send(errorFrame('TOO_MANY_GENERATIONS', `at most ${deps.limits.maxGenerationsPerUser} answers can be generated at once`, { requestId }));
    return null;
  }
  deps.metrics.timeToSending.observe((performance.now() - started) / 1000);
  deps.metrics.generationsStarted.inc();
  deps.timings?.accepted(outcome.ref.messageId, started);
  return outcome.ref;
};
