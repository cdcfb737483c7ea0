import { APIError } from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ChatJob, ErrorCode, Usage } from '@aurawell/protocol';
import type { GenerationPublisher } from '@aurawell/generation';
import type { GenerationDeps } from './generation-deps';
import { classifyLlmFailure, type FailureCause, type LlmPiece } from './llm';
import { httpStatusLabel } from './metrics';
import type { AnswerSpeaker } from './speak-answer';

export type Answer = {
  text: string;
  cancelled: boolean;
  /** This worker is shutting down: the generation is left for another worker to take over. */
  handedOff: boolean;
  finishReason: string | null;
  usage: Usage | null;
  failure: { code: ErrorCode; message: string } | null;
};

/** DeepSeek ends a stream it could not finish with this reason: the answer is incomplete. */
const INCOMPLETE_FINISH = new Set(['insufficient_system_resource']);
const NOT_RETRYABLE = new Set([400, 401, 402, 403, 404, 422]);

/**
 * The bounds of one generation's provider calls: a first-token deadline that keep-alive comments
 * cannot extend (it spans every attempt), a total deadline counted from when the chat was
 * accepted, and the user's cancel (ignored once the answer is complete).
 */
const boundStream = (limits: GenerationDeps['limits'], acceptedAt: number, cancel: AbortSignal, handoff: AbortSignal) => {
  const controller = new AbortController();
  let cause: FailureCause = null;
  const abort = (c: FailureCause) => {
    cause ??= c;
    controller.abort();
  };
  const firstTokenTimer = setTimeout(() => abort('first_token_deadline'), limits.firstTokenDeadlineMs);
  const totalTimer = setTimeout(() => abort('total_deadline'), Math.max(0, acceptedAt + limits.generationDeadlineMs - Date.now()));
  const onCancel = () => abort('cancelled');
  if (cancel.aborted) onCancel();
  else cancel.addEventListener('abort', onCancel, { once: true });
  const onHandoff = () => abort('handoff');
  if (handoff.aborted) onHandoff();
  else handoff.addEventListener('abort', onHandoff, { once: true });
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
      handoff.removeEventListener('abort', onHandoff);
    },
  };
};
type Bounds = ReturnType<typeof boundStream>;

/** Exponential backoff with full jitter, 0.25 s doubling up to 8 s; resolves early on abort. */
const backoff = (attempt: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.random() * Math.min(8000, 250 * 2 ** attempt));
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });

/** Before the first token nothing reached the user, so a failed attempt may be tried again. */
const retryable = (err: unknown): boolean => !(err instanceof APIError && err.status !== undefined && NOT_RETRYABLE.has(err.status));

/** A failure to publish (Redis), which must not be mistaken for a provider failure and retried. */
class PublishError extends Error {
  constructor(readonly reason: unknown) {
    super('publishing a frame failed');
  }
}

/** Records one piece and hands it to the publisher (written in order, behind the frames before it) and the speaker. */
const relay = (piece: LlmPiece, answer: Answer, pub: GenerationPublisher, speaker: AnswerSpeaker | null): void => {
  switch (piece.kind) {
    case 'content':
      answer.text += piece.text;
      speaker?.text(piece.text);
      return pub.content(piece.text);
    case 'reasoning':
      return pub.reasoning(piece.text);
    case 'finish':
      answer.finishReason = piece.reason;
      return;
    case 'usage':
      answer.usage = piece.usage;
      return;
  }
};

/** One call to the provider; `streamed` once a token went out (from then on no retry is possible). */
const attempt = async (
  pub: GenerationPublisher,
  job: ChatJob,
  messages: ChatCompletionMessageParam[],
  deps: GenerationDeps,
  bounds: Bounds,
  answer: Answer,
  state: { streamed: boolean; started: number; speaker: AnswerSpeaker | null },
): Promise<unknown> => {
  try {
    for await (const piece of deps.llm(messages, bounds.signal, { maxTokens: job.maxTokens })) {
      if ((piece.kind === 'content' || piece.kind === 'reasoning') && !state.streamed) {
        state.streamed = true;
        bounds.firstToken();
        deps.metrics.firstToken.observe((performance.now() - state.started) / 1000);
      }
      // The provider is read on while frames are written; a refused or failed write stops it.
      relay(piece, answer, pub, state.speaker);
      if (pub.writeError !== null) throw new PublishError(pub.writeError);
      if (pub.fenced) {
        bounds.abort('fenced');
        return null;
      }
      if (piece.kind === 'finish') bounds.complete();
    }
    return null;
  } catch (err) {
    if (err instanceof PublishError) throw err.reason;
    return err;
  }
};

/**
 * Relays the provider's stream delta by delta. Failures before the first token are retried with
 * backoff within the first-token deadline; a stream that ends without `finish_reason` is incomplete.
 */
export const streamAnswer = async (
  pub: GenerationPublisher,
  job: ChatJob,
  messages: ChatCompletionMessageParam[],
  deps: GenerationDeps,
  signals: { cancel: AbortSignal; handoff: AbortSignal },
  speaker: AnswerSpeaker | null = null,
): Promise<Answer> => {
  const bounds = boundStream(deps.limits, job.acceptedAt, signals.cancel, signals.handoff);
  const answer: Answer = { text: '', cancelled: false, handedOff: false, finishReason: null, usage: null, failure: null };
  const state = { streamed: false, started: performance.now(), speaker };
  const attempts = deps.limits.streamAttempts ?? 4;
  let error: unknown = null;
  try {
    for (let n = 1; ; n += 1) {
      error = await attempt(pub, job, messages, deps, bounds, answer, state);
      if (error instanceof APIError && error.status !== undefined) deps.metrics.llmHttpErrors.inc({ status: httpStatusLabel(error.status) });
      const complete = error === null && answer.finishReason !== null;
      if (complete || state.streamed || bounds.cause() !== null || !retryable(error) || n >= attempts) break;
      deps.metrics.llmRetries.inc();
      deps.logger.warn({ messageId: job.messageId, attempt: n, err: error }, 'provider failed before the first token; retrying');
      await backoff(n, bounds.signal);
    }
  } finally {
    bounds.dispose();
    deps.metrics.llmDuration.observe((performance.now() - state.started) / 1000);
  }
  // Every frame read is written before the answer is settled (a refused write shows in pub.fenced).
  await pub.drain();
  return settle(answer, error, bounds.cause(), state.streamed, pub, deps);
};

const settle = (answer: Answer, error: unknown, cause: FailureCause, streamed: boolean, pub: GenerationPublisher, deps: GenerationDeps): Answer => {
  if (cause === 'cancelled') return { ...answer, cancelled: true };
  if (cause === 'handoff') return { ...answer, handedOff: true };
  if (cause === 'fenced') return answer;
  if (answer.finishReason !== null && !INCOMPLETE_FINISH.has(answer.finishReason)) return answer;
  const failure = classifyLlmFailure(error, cause, streamed);
  if (failure.code === 'INTERNAL_ERROR') deps.logger.error({ err: error, messageId: pub.ref.messageId }, 'llm stream failed');
  return { ...answer, failure };
};
