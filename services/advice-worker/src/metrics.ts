import { Counter, Gauge, Histogram, latencyBuckets, type ChatQueue, type Registry } from '@aurawell/platform';

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

export const createWorkerMetrics = (registry: Registry) => ({
  ttsFirstAudio: new Histogram({
    name: 'aurawell_tts_first_audio_seconds',
    help: "Time from the end of a sentence's text to the speech engine's first audio byte for it",
    buckets: latencyBuckets,
    registers: [registry],
  }),
  ttsAudioBytes: new Counter({
    name: 'aurawell_tts_audio_bytes_total',
    help: 'Bytes of spoken answers produced by the speech engine',
    registers: [registry],
  }),
  ttsSentences: new Counter({
    name: 'aurawell_tts_sentences_total',
    help: 'Sentences of answers sent to the speech engine, by outcome (spoken, TTS_FAILED, TTS_TIMEOUT)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  generations: new Counter({
    name: 'aurawell_worker_generations_total',
    help: 'Generations finished by the worker, by terminal status',
    labelNames: ['status'] as const,
    registers: [registry],
  }),
  llmErrors: new Counter({
    name: 'aurawell_llm_errors_total',
    help: 'Failed LLM requests, by error code',
    labelNames: ['code'] as const,
    registers: [registry],
  }),
  llmRetries: new Counter({
    name: 'aurawell_llm_retries_total',
    help: 'Provider attempts retried by the worker before the first token',
    registers: [registry],
  }),
  firstToken: new Histogram({
    name: 'aurawell_llm_first_token_seconds',
    help: 'Time from the LLM request to its first token',
    buckets: latencyBuckets,
    registers: [registry],
  }),
  llmDuration: new Histogram({
    name: 'aurawell_llm_request_duration_seconds',
    help: 'Duration of whole LLM streams',
    buckets: latencyBuckets,
    registers: [registry],
  }),
  tokens: new Counter({
    name: 'aurawell_llm_tokens_total',
    help: 'Tokens reported by the provider in usage, by direction',
    labelNames: ['direction'] as const,
    registers: [registry],
  }),
  jobWait: new Histogram({
    name: 'aurawell_queue_job_wait_seconds',
    help: 'Time from accepting a chat at the gateway to a worker starting it',
    buckets: latencyBuckets,
    registers: [registry],
  }),
  reminders: new Counter({
    name: 'aurawell_reminders_total',
    help: 'Reminder occurrences handled, by outcome (delivered, republished on retry, stale revision, gone)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  reminderSmartFallbacks: new Counter({
    name: 'aurawell_reminder_smart_fallbacks_total',
    help: 'Smart reminders sent with their plain text because the model failed, timed out or answered unusably',
    registers: [registry],
  }),
  llmHttpErrors: new Counter({
    name: 'aurawell_llm_http_errors_total',
    help: 'Provider attempts that failed with an HTTP error status (after the SDK retries), by status',
    labelNames: ['status'] as const,
    registers: [registry],
  }),
});

/** An HTTP status as a label: the number for 100-599, `other` for anything else (a bounded set). */
export const httpStatusLabel = (status: number): string => (Number.isInteger(status) && status >= 100 && status < 600 ? String(status) : 'other');

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * `aurawell_queue_jobs{state}`, read from BullMQ on every scrape. Every worker reports the same
 * queue: aggregate with `max`, not `sum`. If Redis does not answer within `timeoutMs` the
 * samples are dropped for that scrape (no stale backlog; `aurawell_redis_up` shows the outage).
 */
export const registerQueueCounts = (registry: Registry, queue: Pick<ChatQueue, 'getJobCounts'>, timeoutMs = 1000): Gauge<'state'> =>
  new Gauge({
    name: 'aurawell_queue_jobs',
    help: 'Chat jobs in the queue, by state (the same queue from every worker: use max)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
      const counts = await Promise.race([queue.getJobCounts(...QUEUE_STATES), timeout]).catch(() => null);
      clearTimeout(timer);
      this.reset();
      if (counts) for (const state of QUEUE_STATES) this.set({ state }, counts[state] ?? 0);
    },
  });
