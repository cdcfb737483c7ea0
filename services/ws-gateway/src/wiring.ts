import {
  promoteChatJob,
  createTicketStore,
  createTokenService,
  type ChatQueue,
  type Keys,
  type Logger,
  type RedisClient,
  type Registry,
} from '@aurawell/platform';
import { createGenerationStore, createRedisCommandHistogram, publishUserEvent, timedGenerationStore, type UserFanout } from '@aurawell/generation';
import type { Pool } from '@aurawell/db';
import type { GatewayConfig } from './config';
import type { ClientConnection } from './connection';
import type { GatewayMetrics, GenerationTimings } from './metrics';
import { createRateLimiter } from './rate-limit';
import type { ConnectionRegistry } from './registry';
import type { GatewayDeps } from './server';
import { startChat } from './chat';
import { VoiceInput } from './voice';
import type { Transcriber } from '@aurawell/voice';

export type GatewayParts = {
  config: GatewayConfig;
  gatewayId: string;
  logger: Logger;
  registry: Registry;
  metrics: GatewayMetrics;
  timings: GenerationTimings;
  keys: Keys;
  redis: RedisClient;
  queue: ChatQueue;
  pool: Pool;
  fanout: UserFanout<ClientConnection>;
  connections: ConnectionRegistry;
  transcriber: Transcriber | null;
};

/** Everything the gateway's handlers need, built from the process's parts. */
export const gatewayDeps = (p: GatewayParts): GatewayDeps => {
  const deps: GatewayDeps = { ...baseDeps(p), voice: new VoiceInput({
    transcriber: p.transcriber,
    voiceLimits: {
      maxUtteranceMs: p.config.VOICE_MAX_UTTERANCE_MS,
      maxUtteranceBytes: p.config.VOICE_MAX_UTTERANCE_BYTES,
      partialIntervalMs: p.config.VOICE_PARTIAL_INTERVAL_MS,
      transcribeTimeoutMs: p.config.ASR_TIMEOUT_MS,
    },
    logger: p.logger,
    metrics: p.metrics,
    publishTranscript: (userId, frame) => publishUserEvent(p.redis, p.keys, userId, frame),
    ask: (conn, frame) => startChat(conn, frame, deps),
  }) };
  return deps;
};

const baseDeps = (p: GatewayParts): Omit<GatewayDeps, 'voice'> => ({
  config: p.config,
  gatewayId: p.gatewayId,
  logger: p.logger,
  metrics: p.metrics,
  tokens: createTokenService(p.config.JWT_SECRET_KEY, { allowDevToken: p.config.DEV_TOKEN_ENABLED }),
  tickets: createTicketStore(p.redis, p.keys),
  registry: p.connections,
  fanout: p.fanout,
  store: timedGenerationStore(
    createGenerationStore(p.redis, p.keys, {
      maxFrames: p.config.GENERATION_MAX_FRAMES,
      retentionMs: p.config.GENERATION_RETENTION_MS,
      // A cancel that ends a question lets the next one of its conversation start at once.
      nextTurn: (_user, id) => promoteChatJob(p.queue, id),
    }),
    createRedisCommandHistogram(p.registry),
  ),
  timings: p.timings,
  queue: p.queue,
  db: p.pool,
  redis: p.redis,
  keys: p.keys,
  publishEvent: (userId, frame) => publishUserEvent(p.redis, p.keys, userId, frame),
  limits: { maxGenerationsPerUser: p.config.MAX_GENERATIONS_PER_USER, generationDeadlineMs: p.config.GENERATION_DEADLINE_MS },
  maxMessageChars: p.config.MAX_MESSAGE_CHARS,
  rateLimiter: createRateLimiter(p.redis, p.keys, { perSecond: p.config.RATE_LIMIT_PER_SECOND, burst: p.config.RATE_LIMIT_BURST }, {
    logger: p.logger,
    onFailOpen: () => p.metrics.rateLimitFailOpen.inc(),
  }),
});
