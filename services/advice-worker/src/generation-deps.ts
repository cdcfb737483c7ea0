import type { GenerationStore } from '@aurawell/generation';
import type { Logger } from '@aurawell/platform';
import type { Queryable } from '@aurawell/db';
import type { SpeechEngine } from '@aurawell/voice';
import type { LlmStream } from './llm';
import type { WorkerMetrics } from './metrics';

/** What running a generation needs (its own module, so the pieces of a run import it without a cycle). */
export type GenerationDeps = {
  store: GenerationStore;
  db: Queryable;
  llm: LlmStream;
  logger: Logger;
  metrics: WorkerMetrics;
  /** Speaks answers whose job asks for it (absent: no spoken answers from this worker). */
  speech?: SpeechEngine;
  limits: {
    historyTurns: number;
    firstTokenDeadlineMs: number;
    /** Counted from the moment the chat was accepted, not from when this worker took it. */
    generationDeadlineMs: number;
    /** Attempts at the provider before the first token (each with the SDK's own HTTP retries). */
    streamAttempts?: number;
    /** How long a frame write keeps retrying while Redis is unreachable. */
    redisOutageToleranceMs?: number;
    /** After the text is complete, how long the terminal status waits for the last sentence's speech. */
    speechTailMs?: number;
  };
};

