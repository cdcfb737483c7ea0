import { z } from 'zod';
import { baseEnv, databaseEnv, envBool, envInt, envNumber, envPort, envString, envUrl, generationEnv, loadConfig } from '@aurawell/platform';

const schema = z
  .object({
    ...baseEnv,
    ...databaseEnv,
    /** The worker listens only for /metrics, /healthz and /readyz. */
    PORT: envPort(9102),
    /** Without a key the worker starts the built-in DeepSeek simulator (never in production). */
    DEEPSEEK_API_KEY: envString().optional(),
    DEEPSEEK_BASE_URL: envUrl(/^https?$/).default('https://api.deepseek.com'),
    DEEPSEEK_MODEL: envString().default('deepseek-v4-flash'),
    /** Thinking mode streams `reasoning_content`, relayed as `reasoning_stream`. */
    DEEPSEEK_THINKING: envBool(false),
    LLM_TEMPERATURE: envNumber(0.3, 0, 2),
    LLM_MAX_TOKENS: envInt(2048, 1, 65536),
    /** Provider retries before the first token (the SDK backs off exponentially with jitter). */
    LLM_MAX_RETRIES: envInt(4, 0, 10),
    /** No first token by then (keep-alive comments do not count): the generation fails. */
    FIRST_TOKEN_DEADLINE_MS: envInt(60000, 100),
    ...generationEnv,
    WORKER_CONCURRENCY: envInt(100, 1, 10000),
    /** A job's lock; a dead worker's jobs are taken over once it lapses (BullMQ stall recovery). */
    WORKER_LOCK_DURATION_MS: envInt(30000, 500),
    WORKER_STALLED_INTERVAL_MS: envInt(15000, 200),
    /** On SIGTERM, running generations may finish for this long before being handed over. */
    WORKER_DRAIN_MS: envInt(10000, 0),
    /** Provider attempts before the first token (each with the SDK's own HTTP retries). */
    LLM_STREAM_ATTEMPTS: envInt(4, 1, 20),
    /** How long a frame write keeps retrying while Redis is unreachable. */
    REDIS_OUTAGE_TOLERANCE_MS: envInt(30000, 0),
    /** The reaper ends generations this long past their deadline that nobody finished. */
    REAPER_INTERVAL_MS: envInt(5000, 100),
    REAPER_GRACE_MS: envInt(30000, 0),
    /**
     * A question asked while an earlier one of its conversation is still answered waits; it is
     * started the moment that answer ends, and looks again by itself this often in case that was missed.
     */
    CONVERSATION_TURN_POLL_MS: envInt(2000, 50),
    /** Conversation turns given to the model as history. */
    HISTORY_TURNS: envInt(10, 0, 100),
    /** Reminder occurrences handled at once by this process. */
    REMINDER_CONCURRENCY: envInt(10, 1, 1000),
    /** A smart reminder's phrasing must be complete by then, or the plain text is sent. */
    REMINDER_SMART_TIMEOUT_MS: envInt(8000, 100),
    /** Spoken answers through an OpenAI-compatible speech endpoint; unset: the embedded eSpeak NG, when installed. */
    TTS_BASE_URL: envUrl(/^https?$/).optional(),
    TTS_API_KEY: envString().optional(),
    TTS_MODEL: envString().default('gpt-4o-mini-tts'),
    TTS_VOICE: envString().default('alloy'),
    TTS_FORMAT: z.enum(['wav', 'pcm', 'mp3', 'opus']).default('wav'),
    /** The embedded engine's voice (eSpeak NG's Mandarin by default). */
    TTS_ESPEAK_VOICE: envString().default('cmn'),
    /** After an answer's text is complete, its terminal status waits this long at most for the last sentence's speech. */
    TTS_TAIL_MS: envInt(15000, 0),
    SIM_TOKENS_PER_SECOND: envInt(30, 1),
    SIM_FIRST_TOKEN_DELAY_MS: envInt(300, 0),
  })
  .refine((c) => c.NODE_ENV !== 'production' || c.DEEPSEEK_API_KEY, {
    message: 'DEEPSEEK_API_KEY is required in production (the simulator is for development)',
    path: ['DEEPSEEK_API_KEY'],
  });

export type WorkerConfig = z.infer<typeof schema>;
export const loadWorkerConfig = (env: NodeJS.ProcessEnv = process.env): WorkerConfig => loadConfig(schema, env);

/** The bounds of one generation, from the configuration. */
export const generationLimitsOf = (config: WorkerConfig) => ({
  historyTurns: config.HISTORY_TURNS,
  firstTokenDeadlineMs: config.FIRST_TOKEN_DEADLINE_MS,
  generationDeadlineMs: config.GENERATION_DEADLINE_MS,
  streamAttempts: config.LLM_STREAM_ATTEMPTS,
  redisOutageToleranceMs: config.REDIS_OUTAGE_TOLERANCE_MS,
  speechTailMs: config.TTS_TAIL_MS,
});
