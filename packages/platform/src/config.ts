import { z } from 'zod';

/** Thrown when the environment does not satisfy a service's schema; the message is one line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const formatIssue = (issue: z.core.$ZodIssue): string => `${issue.path.join('.') || '(env)'}: ${issue.message}`;

/** Parses the environment once, at start. Every problem is named in a single line. */
export const loadConfig = <S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> => {
  // An empty variable is an unset one, also for `.default()` and `.optional()` outside the helpers below.
  const result = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!result.success) {
    throw new ConfigError(`invalid configuration: ${result.error.issues.map(formatIssue).join('; ')}`);
  }
  return result.data;
};

/** An empty string in the environment means "unset", as most operators expect. */
const unsetIfEmpty = (v: unknown): unknown => (v === '' ? undefined : v);

/** Names a missing variable plainly instead of zod's "expected string, received undefined". */
const requiredError = (iss: { input?: unknown }): string | undefined => (iss.input === undefined ? 'is required' : undefined);

export const envPort = (fallback: number) => z.preprocess(unsetIfEmpty, z.coerce.number().int().min(0).max(65535).default(fallback));
export const envInt = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess(unsetIfEmpty, z.coerce.number().int().min(min).max(max).default(fallback));
export const envNumber = (fallback: number, min: number, max: number) =>
  z.preprocess(unsetIfEmpty, z.coerce.number().min(min).max(max).default(fallback));
export const envBool = (fallback: boolean) => z.preprocess(unsetIfEmpty, z.stringbool().default(fallback));
export const envString = () => z.preprocess(unsetIfEmpty, z.string({ error: requiredError }).min(1));
export const envUrl = (protocol: RegExp) =>
  z.preprocess(unsetIfEmpty, z.url({ protocol, error: (iss) => requiredError(iss) ?? `must be a ${protocol.source.replace(/[\^$?()]/g, '')} URL` }));

/** A comma-separated list, trimmed, blanks dropped. */
export const envList = (fallback: string[]) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.split(',').map((s) => s.trim()).filter(Boolean) : undefined),
    z.array(z.string()).default(fallback),
  );

/** Variables every service reads. */
export const baseEnv = {
  NODE_ENV: z.preprocess(unsetIfEmpty, z.enum(['development', 'test', 'production']).default('development')),
  LOG_LEVEL: z.preprocess(unsetIfEmpty, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  /** Standalone Redis: queues, the connection registry and the stream buffers (unless the two below say otherwise). */
  REDIS_URL: envUrl(/^rediss?$/).default('redis://127.0.0.1:6379'),
  /** Seed nodes (`host:port,…`) of a Redis Cluster: when set, everything but (with REDIS_QUEUE_URL) the queues lives there. */
  REDIS_CLUSTER_NODES: envList([]).pipe(z.array(z.string().regex(/^[^\s:,]+:\d{1,5}$/, 'must be host:port entries'))),
  /** ACL user and password of the cluster's nodes (managed clusters require them). */
  REDIS_CLUSTER_USERNAME: z.preprocess(unsetIfEmpty, z.string().min(1).optional()),
  REDIS_CLUSTER_PASSWORD: z.preprocess(unsetIfEmpty, z.string().min(1).optional()),
  /** TLS to every node of the cluster. */
  REDIS_CLUSTER_TLS: envBool(false),
  /** The BullMQ queues on a standalone Redis of their own (persistent, noeviction). */
  REDIS_QUEUE_URL: envUrl(/^rediss?$/).optional(),
  /** Namespaces every key, queue and channel, so environments (and tests) can share one Redis. */
  REDIS_KEY_PREFIX: z.preprocess(unsetIfEmpty, z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/).default('aw')),
  /** Port of /metrics, /healthz and /readyz; 0 picks a free port. */
  OPS_PORT: envPort(0),
  /** Interface of the ops port: all of them by default (containers); `pnpm start` binds 127.0.0.1. */
  OPS_HOST: z.preprocess(unsetIfEmpty, z.string().min(1).default('0.0.0.0')),
  /** How long shutdown may take before the process exits anyway. */
  SHUTDOWN_DEADLINE_MS: envInt(15000, 100),
};

/** PostgreSQL, the system of record. */
export const databaseEnv = {
  DATABASE_URL: envUrl(/^postgres(ql)?$/),
  /** Bring the schema up to date at start (development); production runs a migration job instead. */
  MIGRATE_ON_START: envBool(true),
};

/** JWT verification shared by the api (which signs) and the gateway (which verifies). */
export const authEnv = {
  JWT_SECRET_KEY: z.preprocess(unsetIfEmpty, z.string({ error: requiredError }).min(16, 'must be at least 16 characters')),
  /** The original service's fixed development token; never accepted unless turned on. */
  DEV_TOKEN_ENABLED: envBool(false),
};

/** Generations: every service that starts, runs or replays them reads the same settings. */
export const generationEnv = {
  /** Generations one user may run at once, across the fleet. */
  MAX_GENERATIONS_PER_USER: envInt(2, 1, 100),
  /** Bound on a whole generation. */
  GENERATION_DEADLINE_MS: envInt(600000, 1000),
  /** Replay window of a generation's frames after its last frame. */
  GENERATION_RETENTION_MS: envInt(3600000, 1000),
  GENERATION_MAX_FRAMES: envInt(20000, 100),
};

/** The web client's development servers (contract §1.6). */
export const DEFAULT_CORS_ORIGINS = [3000, 8080, 5173, 5174, 5175].flatMap((port) => [`http://localhost:${port}`, `http://127.0.0.1:${port}`]);

/** Browser origins allowed: HTTP CORS of the api and the WebSocket `Origin` check of the gateway. */
export const corsEnv = {
  CORS_ALLOWED_ORIGINS: envList(DEFAULT_CORS_ORIGINS),
  /** The deployed web client's origin, appended to CORS_ALLOWED_ORIGINS when set. */
  PRODUCTION_ORIGIN: z.preprocess(unsetIfEmpty, z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')).optional()),
};

/** CORS_ALLOWED_ORIGINS plus PRODUCTION_ORIGIN. */
export const allowedOrigins = (env: { CORS_ALLOWED_ORIGINS: string[]; PRODUCTION_ORIGIN?: string | undefined }): string[] =>
  env.PRODUCTION_ORIGIN && !env.CORS_ALLOWED_ORIGINS.includes(env.PRODUCTION_ORIGIN)
    ? [...env.CORS_ALLOWED_ORIGINS, env.PRODUCTION_ORIGIN]
    : env.CORS_ALLOWED_ORIGINS;
