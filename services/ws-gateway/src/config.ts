import { z } from 'zod';
import { allowedOrigins, authEnv, baseEnv, corsEnv, databaseEnv, envInt, envPort, generationEnv, loadConfig } from '@aurawell/platform';
import { MAX_MESSAGE_CHARS } from '@aurawell/protocol';

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
  /** A socket whose unsent bytes pass this is closed with 1013; the client resumes. */
  SEND_BUFFER_HARD_CAP_BYTES: envInt(4 * 1024 * 1024, 1024),
  /** How long a registration lives without refresh: a crashed gateway's connections vanish after it. */
  REGISTRY_TTL_MS: envInt(60000, 1000),
}).transform((env) => ({ ...env, CORS_ALLOWED_ORIGINS: allowedOrigins(env) }));

export type GatewayConfig = z.infer<typeof schema>;
export const loadGatewayConfig = (env: NodeJS.ProcessEnv = process.env): GatewayConfig => loadConfig(schema, env);
