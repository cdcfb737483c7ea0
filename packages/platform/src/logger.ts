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
 * can hold a ticket or a token in a key. So every error can be logged whole, as `err`.
 */
const serializeError = (err: unknown): Record<string, unknown> => {
  const { command: _command, args: _args, ...fields } = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
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
