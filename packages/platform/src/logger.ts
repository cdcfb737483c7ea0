import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Field paths that may carry secrets; pino replaces their values before anything is written. */
const redactPaths = [
  'token',
  'ticket',
  'password',
  'apiKey',
  'authorization',
  '*.token',
  '*.ticket',
  '*.password',
  '*.apiKey',
  '*.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
];

/**
 * pino's error serializer (type, message, stack, own fields), minus what a Redis client attaches:
 * ioredis puts the failed command on its errors (`command: { name, args }`), and the arguments
 * can hold a ticket or a token in a key, or an AUTH password. Errors nested in an error's fields
 * (a cluster's `lastNodeError`, `cause`, an AggregateError's `errors`) are serialized the same way,
 * a few levels deep. So every error can be logged whole, as `err`.
 */
const serializeError = (err: unknown): Record<string, unknown> => withoutCommands(pino.stdSerializers.err(err as Error), 0) as Record<string, unknown>;

/** pino serializes nested errors into plain objects; any error-like one (with a `message`) loses its command too. */
const withoutCommands = (value: unknown, depth: number): unknown => {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 4) return '[nested too deep]'; // fail closed: nothing unchecked is written
  if (Array.isArray(value)) return value.map((v) => withoutCommands(v, depth + 1));
  const errorLike = typeof (value as { message?: unknown }).message === 'string';
  const fields: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) if (!errorLike || (key !== 'command' && key !== 'args')) fields[key] = withoutCommands(v, depth + 1);
  return fields;
};

export const createLogger = (service: string, level = 'info', destination?: pino.DestinationStream): Logger =>
  pino(
    {
      level,
      base: { service, pid: process.pid },
      redact: { paths: redactPaths, censor: '[redacted]' },
      serializers: { err: serializeError },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );

/** A URL fit for logs: the path only, never the query string (it can carry tokens and tickets). */
export const redactUrl = (url: string | undefined): string => {
  if (!url) return '';
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?[redacted]`;
};
