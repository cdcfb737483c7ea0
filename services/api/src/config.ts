import { authEnv, baseEnv, databaseEnv, envList, envPort, loadConfig } from '@aurawell/platform';
import { z } from 'zod';

const unsetIfEmpty = (v: unknown): unknown => (v === '' ? undefined : v);

/** The web client's development servers (contract §1.6). */
export const DEFAULT_CORS_ORIGINS = ['3000', '8080', '5173', '5174', '5175'].flatMap((port) => [
  `http://localhost:${port}`,
  `http://127.0.0.1:${port}`,
]);

export const DEFAULT_ALLOWED_HOSTS = ['localhost', '127.0.0.1', '*.aurawell.com', 'testserver'];

/** Every variable the api reads, parsed once at start. */
export const apiEnvSchema = z
  .object({
    ...baseEnv,
    ...databaseEnv,
    ...authEnv,
    /** Public HTTP port of the REST api. */
    PORT: envPort(8001),
    /** Interface to bind; all of them by default (containers). */
    HOST: z.preprocess(unsetIfEmpty, z.string().min(1).default('0.0.0.0')),
    /** Browser origins allowed to call the api with credentials. */
    CORS_ALLOWED_ORIGINS: envList(DEFAULT_CORS_ORIGINS),
    /** The deployed web client's origin, appended to CORS_ALLOWED_ORIGINS when set. */
    PRODUCTION_ORIGIN: z.preprocess(
      unsetIfEmpty,
      z
        .url({ protocol: /^https?$/ })
        .transform((url) => url.replace(/\/+$/, ''))
        .optional(),
    ),
    /** Host header values served (`*.x` matches any subdomain of x); others get 400. */
    ALLOWED_HOSTS: envList(DEFAULT_ALLOWED_HOSTS),
  })
  .refine((env) => !(env.NODE_ENV === 'production' && env.DEV_TOKEN_ENABLED), {
    path: ['DEV_TOKEN_ENABLED'],
    message: 'must be false when NODE_ENV is production',
  })
  .transform((env) => ({
    ...env,
    CORS_ALLOWED_ORIGINS:
      env.PRODUCTION_ORIGIN && !env.CORS_ALLOWED_ORIGINS.includes(env.PRODUCTION_ORIGIN)
        ? [...env.CORS_ALLOWED_ORIGINS, env.PRODUCTION_ORIGIN]
        : env.CORS_ALLOWED_ORIGINS,
  }));

export type ApiConfig = z.infer<typeof apiEnvSchema>;

/** Throws ConfigError (one line naming every bad variable) when the environment does not fit. */
export const loadApiConfig = (env: NodeJS.ProcessEnv = process.env): ApiConfig => loadConfig(apiEnvSchema, env);
