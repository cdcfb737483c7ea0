import { Counter, Histogram, latencyBuckets, type Registry } from '@aurawell/platform';

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

export const createWorkerMetrics = (registry: Registry) => ({
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
});
