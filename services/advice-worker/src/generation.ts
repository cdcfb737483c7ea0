import { randomUUID } from 'node:crypto';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ChatJob, ErrorCode, Usage } from '@aurawell/protocol';
import type { GenerationStore, Logger } from '@aurawell/platform';
import { type Queryable } from '@aurawell/db';
import { classifyLlmFailure, type FailureCause, type LlmPiece, type LlmStream } from './llm';
import { GenerationPublisher } from './publisher';
import { gatherPrompt, saveAnswer } from './persistence';
import type { WorkerMetrics } from './metrics';

export type GenerationDeps = {
  store: GenerationStore;
  db: Queryable;
  llm: LlmStream;
  logger: Logger;
  metrics: WorkerMetrics;
  limits: { historyTurns: number; firstTokenDeadlineMs: number; generationDeadlineMs: number };
};

export type Outcome = 'done' | 'error' | 'cancelled' | 'fenced' | 'skipped';

type Answer = {
  text: string;
  cancelled: boolean;
  finishReason: string | null;
  usage: Usage | null;
  failure: { code: ErrorCode; message: string } | null;
};

const codePoints = (s: string): number => [...s].length;

/**
 * Runs one chat job from claim to terminal status. Never throws for provider or data faults.
 * `cancel` fires when a user stops the generation from any device.
 */
export const runGeneration = async (job: ChatJob, deps: GenerationDeps, cancel: AbortSignal): Promise<Outcome> => {
  const log = deps.logger.child({ messageId: job.messageId, conversationId: job.conversationId });
  const owner = randomUUID();
  const lastSeq = await deps.store.claim(job.userId, job.messageId, owner);
  if (lastSeq === null) {
    log.info('generation already finished or expired; skipping');
    return 'skipped';
  }
  deps.metrics.jobWait.observe(Math.max(0, Date.now() - job.acceptedAt) / 1000);
  const ref = { messageId: job.messageId, conversationId: job.conversationId };
  const pub = new GenerationPublisher(deps.store, job.userId, owner, ref, lastSeq);
  // Stopped before anything was asked of the model or stored: nothing to store (the conversation may not exist yet).
  if (await deps.store.cancelRequested(job.userId, job.messageId)) return finishCancelled(pub, job, null, deps);
  if (!(await pub.status('streaming'))) return 'fenced';

  const prompt = await gatherPrompt(job, deps.db, deps.limits.historyTurns, log);
  if ('error' in prompt) return finishWithError(pub, prompt.error, '', deps);

  const answer = await streamAnswer(pub, job, prompt.messages, deps, cancel);
  if (pub.fenced) return 'fenced';
  if (answer.cancelled) return finishCancelled(pub, job, answer.text, deps);
  await saveAnswer(deps.db, job, answer.text, answer.failure ? 'error' : 'complete', answer.usage, log);
  if (answer.failure) return finishWithError(pub, answer.failure, answer.text, deps);

  if (answer.usage) {
    deps.metrics.tokens.inc({ direction: 'in' }, answer.usage.prompt_tokens);
    deps.metrics.tokens.inc({ direction: 'out' }, answer.usage.completion_tokens);
  }
  await pub.status('done', {
    full_response: answer.text,
    conversation_id: job.conversationId,
    message_id: job.messageId,
    response_length: codePoints(answer.text),
    usage: answer.usage,
    finish_reason: answer.finishReason,
  });
  deps.metrics.generations.inc({ status: 'done' });
  log.info({ length: answer.text.length, finishReason: answer.finishReason }, 'generation done');
  return 'done';
};

/** The user stopped it: the partial answer is kept, stored and reported as `cancelled` (null: stopped before it started). */
const finishCancelled = async (pub: GenerationPublisher, job: ChatJob, partial: string | null, deps: GenerationDeps): Promise<Outcome> => {
  if (partial !== null) await saveAnswer(deps.db, job, partial, 'cancelled', null, deps.logger);
  partial ??= '';
  await pub.status('cancelled', { partial_response: partial, response_length: codePoints(partial) });
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
  await pub.fail(failure.code, failure.message, { partial_response: partial });
  deps.logger.warn({ messageId: pub.ref.messageId, code: failure.code }, 'generation failed');
  return 'error';
};

/** DeepSeek ends a stream it could not finish with this reason: the answer is incomplete. */
const INCOMPLETE_FINISH = new Set(['insufficient_system_resource']);

/**
 * The bounds of one provider stream: a first-token deadline that keep-alive comments cannot
 * extend, a total deadline, and the user's cancel (ignored once the answer is complete).
 */
const boundStream = (limits: GenerationDeps['limits'], cancel: AbortSignal) => {
  const controller = new AbortController();
  let cause: FailureCause = null;
  const abort = (c: FailureCause) => {
    cause ??= c;
    controller.abort();
  };
  const firstTokenTimer = setTimeout(() => abort('first_token_deadline'), limits.firstTokenDeadlineMs);
  const totalTimer = setTimeout(() => abort('total_deadline'), limits.generationDeadlineMs);
  const onCancel = () => abort('cancelled');
  if (cancel.aborted) onCancel();
  else cancel.addEventListener('abort', onCancel, { once: true });
  return {
    signal: controller.signal,
    abort,
    cause: () => cause,
    firstToken: () => clearTimeout(firstTokenTimer),
    complete: () => cancel.removeEventListener('abort', onCancel),
    dispose: () => {
      clearTimeout(firstTokenTimer);
      clearTimeout(totalTimer);
      cancel.removeEventListener('abort', onCancel);
    },
  };
};

/** Relays the provider's stream delta by delta; a stream without `finish_reason` is incomplete. */
const streamAnswer = async (
  pub: GenerationPublisher,
  job: ChatJob,
  messages: ChatCompletionMessageParam[],
  deps: GenerationDeps,
  cancel: AbortSignal,
): Promise<Answer> => {
  const bounds = boundStream(deps.limits, cancel);
  const started = performance.now();
  const answer: Answer = { text: '', cancelled: false, finishReason: null, usage: null, failure: null };
  let streamed = false;
  let error: unknown = null;
  try {
    for await (const piece of deps.llm(messages, bounds.signal, { maxTokens: job.maxTokens })) {
      if ((piece.kind === 'content' || piece.kind === 'reasoning') && !streamed) {
        streamed = true;
        bounds.firstToken();
        deps.metrics.firstToken.observe((performance.now() - started) / 1000);
      }
      if (!(await relay(piece, answer, pub))) {
        bounds.abort('fenced');
        break;
      }
      if (piece.kind === 'finish') bounds.complete();
    }
  } catch (err) {
    error = err;
  } finally {
    bounds.dispose();
    deps.metrics.llmDuration.observe((performance.now() - started) / 1000);
  }
  const cause = bounds.cause();
  if (cause === 'cancelled') answer.cancelled = true;
  else if (cause !== 'fenced' && (answer.finishReason === null || INCOMPLETE_FINISH.has(answer.finishReason))) {
    answer.failure = classifyLlmFailure(error, cause, streamed);
    if (answer.failure.code === 'INTERNAL_ERROR') deps.logger.error({ err: error, messageId: pub.ref.messageId }, 'llm stream failed');
  }
  return answer;
};

/** Records one piece and publishes it; false when the generation was taken over. */
const relay = async (piece: LlmPiece, answer: Answer, pub: GenerationPublisher): Promise<boolean> => {
  switch (piece.kind) {
    case 'content':
      answer.text += piece.text;
      return pub.content(piece.text);
    case 'reasoning':
      return pub.reasoning(piece.text);
    case 'finish':
      answer.finishReason = piece.reason;
      return true;
    case 'usage':
      answer.usage = piece.usage;
      return true;
  }
};
