import { allowedOrigins, authEnv, baseEnv, corsEnv, databaseEnv, envInt, envList, envPort, generationEnv, loadConfig } from '@aurawell/platform';
import { z } from 'zod';
import { envTrustProxy } from './http/client-ip';

const unsetIfEmpty = (v: unknown): unknown => (v === '' ? undefined : v);

export { DEFAULT_CORS_ORIGINS } from '@aurawell/platform';

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
    ...corsEnv,
    ...generationEnv,
    /** How long the REST chat routes wait for a finished answer before giving up. */
    CHAT_TIMEOUT_MS: envInt(120000, 1000),
    /** Host header values served (`*.x` matches any subdomain of x); others get 400. */
    ALLOWED_HOSTS: envList(DEFAULT_ALLOWED_HOSTS),
    /** The densest repeat a reminder's cron pattern may have (tests lower it to watch several occurrences). */
    REMINDER_MIN_INTERVAL_SECONDS: envInt(60, 1),
    /** Proxies whose X-Forwarded-For gives the client IP (Express 'trust proxy'); loopback only by default: a directly exposed api believes no client. */
    TRUST_PROXY: envTrustProxy('loopback'),
    /** Window of every login counter below, in seconds. */
    LOGIN_WINDOW_SECONDS: envInt(900, 1),
    /** How long an account or IP over its login failure limit is refused, in seconds. */
    LOGIN_BLOCK_SECONDS: envInt(900, 1),
    /** Failed logins of one username (known or not) in the window; the next try is refused, even with the right password. A success resets it. */
    LOGIN_ACCOUNT_MAX_FAILURES: envInt(10, 1),
    /** Login attempts from one client IP in the window, whatever their outcome. */
    LOGIN_IP_MAX_ATTEMPTS: envInt(100, 1),
    /** Failed logins in a row from one client IP (across usernames); a success from it resets it. */
    LOGIN_IP_MAX_FAILURES: envInt(30, 1),
    /** Registrations tried from one client IP per hour. */
    REGISTER_IP_MAX_PER_HOUR: envInt(10, 1),
    /** WebSocket tickets one user may take per minute. */
    WS_TICKET_MAX_PER_MINUTE: envInt(60, 1),
  })
  .refine((env) => !(env.NODE_ENV === 'production' && env.DEV_TOKEN_ENABLED), {
    path: ['DEV_TOKEN_ENABLED'],
    message: 'must be false when NODE_ENV is production',
  })
  .transform((env) => ({ ...env, CORS_ALLOWED_ORIGINS: allowedOrigins(env) }));

export type ApiConfig = z.infer<typeof apiEnvSchema>;

/** Throws ConfigError (one line naming every bad variable) when the environment does not fit. */
export const loadApiConfig = (env: NodeJS.ProcessEnv = process.env): ApiConfig => loadConfig(apiEnvSchema, env);
