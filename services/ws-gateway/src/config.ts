import { z } from 'zod';
import { allowedOrigins, authEnv, baseEnv, corsEnv, databaseEnv, envBool, envInt, envNumber, envPort, envString, envUrl, generationEnv, loadConfig } from '@aurawell/platform';
import { MAX_MESSAGE_CHARS, VOICE_MAX_UTTERANCE_BYTES, VOICE_MAX_UTTERANCE_MS } from '@aurawell/protocol';

const schema = z.object({
  ...baseEnv,
  ...databaseEnv,
  ...authEnv,
  PORT: envPort(8002),
  HOST: z.string().default('0.0.0.0'),
  /** Browsers may connect only from these origins; clients without an Origin header always may. */
  ...corsEnv,
  ...generationEnv,
  MAX_CONNECTIONS_PER_USER: envInt(3, 1, 1000),
  MAX_FRAME_BYTES: envInt(1024 * 1024, 1024),
  MAX_MESSAGE_CHARS: envInt(MAX_MESSAGE_CHARS, 1, MAX_MESSAGE_CHARS),
  HEARTBEAT_INTERVAL_MS: envInt(30000, 100),
  HEARTBEAT_TIMEOUT_MS: envInt(10000, 100),
  IDLE_TIMEOUT_MS: envInt(300000, 1000),
  /** A socket whose unsent bytes (queued ones included) pass this is closed with 1013; the client resumes. */
  SEND_BUFFER_HARD_CAP_BYTES: envInt(4 * 1024 * 1024, 1024),
  /** Above this many unsent bytes a slow client's pending deltas are merged instead of queued one by one. */
  SEND_BUFFER_SOFT_CAP_BYTES: envInt(256 * 1024, 0),
  /** Token bucket of incoming frames per user, shared by every replica (contract: 20/s, burst 40). */
  RATE_LIMIT_PER_SECOND: envNumber(20, 0.001, 1_000_000),
  RATE_LIMIT_BURST: envInt(40, 1, 1_000_000),
  /**
   * After connect, live frames of a generation already under way wait this long for the client's
   * `resume`, so a reconnecting client gets what it missed before anything newer (0: no wait).
   */
  RESUME_JOIN_WINDOW_MS: envInt(1000, 0, 10000),
  /** On shutdown the open connections are closed (1012) spread over this window, so clients do not stampede the other replicas. */
  DRAIN_WINDOW_MS: envInt(10000, 0),
  /** How long a registration lives without refresh: a crashed gateway's connections vanish after it. */
  REGISTRY_TTL_MS: envInt(60000, 1000),
  /** permessage-deflate for clients that offer it (see compression.ts). */
  WS_COMPRESSION: envBool(true),
  /** Frames below this many bytes go out uncompressed: token frames are far below it, `done`, `sync` and replays above. */
  WS_COMPRESSION_THRESHOLD_BYTES: envInt(1024, 0, 1024 * 1024),
  /** Lifetime of this gateway's liveness key (refreshed every third of it): when it lapses, its registrations stop counting. */
  GATEWAY_TTL_MS: envInt(15000, 300),
  /** Speech recognition (an OpenAI-compatible /audio/transcriptions); unset: the built-in simulator outside production, none in it. */
  ASR_BASE_URL: envUrl(/^https?$/).optional(),
  ASR_API_KEY: envString().optional(),
  ASR_MODEL: envString().default('gpt-4o-mini-transcribe'),
  ASR_TIMEOUT_MS: envInt(30000, 100),
  /** Longest utterance and most audio bytes one may have; past either it is dropped with VOICE_TOO_LONG / VOICE_TOO_LARGE. */
  VOICE_MAX_UTTERANCE_MS: envInt(VOICE_MAX_UTTERANCE_MS, 1000),
  VOICE_MAX_UTTERANCE_BYTES: envInt(VOICE_MAX_UTTERANCE_BYTES, 1024),
  /** While someone talks, the audio so far is transcribed again this often for the partial transcript (0: only at the end). */
  VOICE_PARTIAL_INTERVAL_MS: envInt(1000, 0),
})
  .refine((env) => env.SEND_BUFFER_SOFT_CAP_BYTES < env.SEND_BUFFER_HARD_CAP_BYTES, {
    message: 'must be below SEND_BUFFER_HARD_CAP_BYTES',
    path: ['SEND_BUFFER_SOFT_CAP_BYTES'],
  })
  // The drain must end before the shutdown deadline, or the last clients are cut off without 1012.
  .refine((env) => env.DRAIN_WINDOW_MS < env.SHUTDOWN_DEADLINE_MS, { message: 'must be below SHUTDOWN_DEADLINE_MS', path: ['DRAIN_WINDOW_MS'] })
  .transform((env) => ({ ...env, CORS_ALLOWED_ORIGINS: allowedOrigins(env) }));

export type GatewayConfig = z.infer<typeof schema>;
export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig => loadConfig(schema, env);
