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

export const createLogger = (service: string, level = 'info'): Logger =>
  pino({
    level,
    base: { service, pid: process.pid },
    redact: { paths: redactPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });

/** A URL fit for logs: the path only, never the query string (it can carry tokens and tickets). */
export const redactUrl = (url: string | undefined): string => {
  if (!url) return '';
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?[redacted]`;
};
