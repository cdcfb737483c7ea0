import { randomUUID } from 'node:crypto';
import type { ChatJob, ErrorCode } from '@aurawell/protocol';
import { GenerationPublisher } from '@aurawell/generation';
import type { GenerationDeps } from './generation-deps';
import { streamAnswer, type Answer } from './stream-answer';
import { gatherPrompt, saveAnswer } from './persistence';
import { AnswerSpeaker } from './speak-answer';

export type Outcome = 'done' | 'error' | 'cancelled' | 'fenced' | 'skipped' | 'handed_off' | 'waiting';

/** A signal that never fires, for callers without a shutdown to hand off on. */
const NEVER = new AbortController().signal;

/**
 * Runs one chat job from claim to terminal status. Never throws for provider or data faults.
 * `cancel` fires when a user stops the generation from any device; `handoff` when this worker
 * shuts down and leaves the job to another (no terminal status is written then).
 */
export const runGeneration = async (job: ChatJob, deps: GenerationDeps, cancel: AbortSignal, handoff: AbortSignal = NEVER): Promise<Outcome> => {
  const log = deps.logger.child({ messageId: job.messageId, conversationId: job.conversationId });
  const owner = randomUUID();
  // One round trip for both (auto-pipelined): the cancel flag only counts once the claim succeeded.
  const [lastSeq, cancelled] = await Promise.all([deps.store.claimTurn(job.userId, job.messageId, owner), deps.store.cancelRequested(job.userId, job.messageId)]);
  // An earlier question of the same conversation is still being answered: this one waits its turn.
  if (lastSeq === 'not_its_turn') return 'waiting';
  if (typeof lastSeq !== 'number') {
    log.info({ found: lastSeq }, 'generation already finished, expired or taken; skipping');
    return 'skipped';
  }
  deps.metrics.jobWait.observe(Math.max(0, Date.now() - job.acceptedAt) / 1000);
  const ref = { messageId: job.messageId, conversationId: job.conversationId };
  const pub = new GenerationPublisher(deps.store, job.userId, owner, ref, lastSeq, deps.limits.redisOutageToleranceMs);
  // Stopped before anything was asked of the model or stored: nothing to store (the conversation may not exist yet).
  if (cancelled) return finishCancelled(pub, job, null, deps);
  // `streaming` goes out while the prompt's data is read (the user's turn is stored idempotently,
  // as a takeover stores it again); `data.restart` when an earlier attempt already streamed.
  const [streaming, prompt] = await Promise.all([pub.streaming(lastSeq >= 2), gatherPrompt(job, deps.db, deps.limits.historyTurns, log)]);
  if (!streaming) return 'fenced';
  if ('error' in prompt) return finishWithError(pub, prompt.error, '', deps);
  const speaker = job.speak && deps.speech ? new AnswerSpeaker(deps.speech, pub, { logger: log, metrics: deps.metrics }) : null;
  const stopSpeaking = () => speaker?.cancel();
  cancel.addEventListener('abort', stopSpeaking, { once: true });
  try {
    const answer = await streamAnswer(pub, job, prompt.messages, deps, { cancel, handoff }, speaker);
    // The last sentence is spoken before the terminal status (nothing of a generation follows it).
    if (speaker && answer.failure === null && !answer.cancelled && !answer.handedOff) await speaker.finish(deps.limits.speechTailMs ?? 15000);
    else stopSpeaking();
    return await finish(pub, job, answer, deps);
  } finally {
    cancel.removeEventListener('abort', stopSpeaking);
  }
};

/** Stores the answer and publishes the one terminal status it deserves. */
const finish = async (pub: GenerationPublisher, job: ChatJob, answer: Answer, deps: GenerationDeps): Promise<Outcome> => {
  if (pub.fenced) return 'fenced';
  if (answer.handedOff) return 'handed_off';
  if (answer.cancelled) return finishCancelled(pub, job, answer.text, deps);
  await saveAnswer(deps.db, job, answer.text, answer.failure ? 'error' : 'complete', answer.usage, deps.logger);
  if (answer.failure) return finishWithError(pub, answer.failure, answer.text, deps);
  if (answer.usage) {
    deps.metrics.tokens.inc({ direction: 'in' }, answer.usage.prompt_tokens);
    deps.metrics.tokens.inc({ direction: 'out' }, answer.usage.completion_tokens);
  }
  await pub.done(answer);
  deps.metrics.generations.inc({ status: 'done' });
  deps.logger.info({ messageId: job.messageId, length: answer.text.length, finishReason: answer.finishReason }, 'generation done');
  return 'done';
};

/** The user stopped it: the partial answer is kept, stored and reported as `cancelled` (null: stopped before it started). */
const finishCancelled = async (pub: GenerationPublisher, job: ChatJob, partial: string | null, deps: GenerationDeps): Promise<Outcome> => {
  if (partial !== null) await saveAnswer(deps.db, job, partial, 'cancelled', null, deps.logger);
  partial ??= '';
  await pub.cancelled(partial);
  deps.metrics.generations.inc({ status: 'cancelled' });
  deps.logger.info({ messageId: job.messageId, length: partial.length }, 'generation cancelled');
  return 'cancelled';
};

const finishWithError = async (
  pub: GenerationPublisher,
  failure: { code: ErrorCode; message: string },
  partial: string,
  deps: GenerationDeps,
): Promise<Outcome> => {
  deps.metrics.generations.inc({ status: 'error' });
  deps.metrics.llmErrors.inc({ code: failure.code });
  await pub.fail(failure.code, failure.message, partial);
  deps.logger.warn({ messageId: pub.ref.messageId, code: failure.code }, 'generation failed');
  return 'error';
};

