import type { Logger } from '@aurawell/platform';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { errorEnvelope } from './envelope';
import { RequestValidationError } from './validate';

/**
 * An error a route or the auth check raises on purpose. Without `code`, the code follows the
 * status (contract §1.3 table) and `details` is `{path}`; a domain error passes both.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  readonly status: number;
  readonly code: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(status: number, message: string, opts: { code?: string; details?: Record<string, unknown> } = {}) {
    super(message);
    this.status = status;
    this.code = opts.code;
    this.details = opts.details;
  }
}

const codeByStatus: Record<number, string> = {
  401: 'AUTH_1004',
  403: 'AUTH_1005',
  404: 'USER_1201',
  422: 'VALIDATION_1101',
  429: 'EXTERNAL_1502',
  500: 'SYSTEM_1701',
  502: 'EXTERNAL_1501',
  503: 'SYSTEM_1702',
};

/** Contract §1.3: the `error_code` of an HTTP error without a code of its own. */
export const errorCodeForStatus = (status: number): string => codeByStatus[status] ?? 'SYSTEM_1701';

/** What body-parser attaches to the errors it raises. */
type BodyParserError = Error & { type: string; status: number; body?: unknown; expose?: boolean };

const isBodyParserError = (err: unknown): err is BodyParserError =>
  err instanceof Error && typeof (err as Partial<BodyParserError>).type === 'string' && typeof (err as Partial<BodyParserError>).status === 'number';

/** Where JSON.parse gave up, from its message (V8 words it several ways). */
export const jsonErrorPosition = (message: string, body: string): number => {
  const at = /position (\d+)/.exec(message);
  if (at?.[1]) return Number(at[1]);
  if (/end of (JSON|data)/i.test(message)) return body.length;
  const token = /Unexpected token '?(.)'?/.exec(message);
  const index = token?.[1] ? body.indexOf(token[1]) : -1;
  return index >= 0 ? index : 0;
};

/** `res.json` that cannot throw: a body that does not serialise is answered with a fixed one. */
const sendJson = (res: Response, status: number, body: unknown): void => {
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch {
    text = JSON.stringify(errorEnvelope(res, { message: 'The error could not be rendered', code: errorCodeForStatus(status), details: null }));
  }
  res.status(status).type('application/json').send(text);
};

/** FastAPI's answer to a body that is not JSON. */
const sendJsonInvalid = (res: Response, err: BodyParserError): void => {
  const body = typeof err.body === 'string' ? err.body : '';
  sendJson(res, 422, {
    detail: [
      {
        type: 'json_invalid',
        loc: ['body', jsonErrorPosition(err.message, body)],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: err.message },
      },
    ],
  });
};

const sendHttpError = (req: Request, res: Response, err: HttpError): void => {
  sendJson(
    res,
    err.status,
    errorEnvelope(res, {
      message: err.message,
      code: err.code ?? errorCodeForStatus(err.status),
      details: err.details ?? { path: req.path },
    }),
  );
};

const exceptionType = (err: unknown): string =>
  err instanceof Error ? err.constructor.name || err.name : typeof err;

/** How much of a refused value a 422 `detail` echoes as `input`. */
const INPUT_MAX_CHARS = 1000;
const INPUT_MAX_ITEMS = 50;
const INPUT_MAX_DEPTH = 8;

/**
 * `input` as echoed in a 422 `detail`: long strings cut, long lists and objects shortened, deep
 * ones emptied below INPUT_MAX_DEPTH, so rendering an error can never overflow or balloon.
 */
export const boundedInput = (value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return value.length > INPUT_MAX_CHARS ? `${value.slice(0, INPUT_MAX_CHARS).toWellFormed()}…` : value;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return depth >= INPUT_MAX_DEPTH ? [] : value.slice(0, INPUT_MAX_ITEMS).map((v) => boundedInput(v, depth + 1));
  if (depth >= INPUT_MAX_DEPTH) return {};
  return Object.fromEntries(Object.entries(value).slice(0, INPUT_MAX_ITEMS).map(([k, v]) => [k, boundedInput(v, depth + 1)]));
};

/**
 * PostgreSQL's data exceptions (class 22: bad text, NUL, too long, out of range…) and 54000 (a
 * value too big to index): bad input that got past validation, answered 422, never 500. Routes
 * that turn their faults into their own 500 let these through.
 */
export const isDatabaseInputError = (err: unknown): boolean => {
  const { code, severity } = (err ?? {}) as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && typeof severity === 'string' && (code.startsWith('22') || code === '54000');
};

/** A path whose percent-encoding is not UTF-8 (the router's decodeURIComponent failed). */
const isBadPercentEncoding = (err: unknown): boolean => err instanceof URIError;

/** Bad input that got past validation: a 4xx, never a 500 (logged as a warning, it is a gap to close). */
const sendInputError = (logger: Logger, req: Request, res: Response, err: unknown): void => {
  if (isBadPercentEncoding(err)) return sendHttpError(req, res, new HttpError(400, 'Malformed percent-encoding in the URL'));
  logger.warn({ err, method: req.method, route: res.locals.route, requestId: res.locals.requestId }, 'database refused the input');
  sendHttpError(req, res, new HttpError(422, 'Invalid input data provided', { code: 'VALIDATION_1101' }));
};

/**
 * The last middleware: turns anything thrown into the contract's answer; never rethrows.
 * (Express tells error middleware by its four parameters, so `_next` stays though unused.)
 */
export const errorHandler = (logger: Logger): ErrorRequestHandler => (err: unknown, req, res, _next) => {
  if (res.headersSent) {
    logger.error({ err, requestId: res.locals.requestId }, 'error after response started');
    req.socket.destroy();
    return;
  }
  if (err instanceof RequestValidationError) return sendJson(res, 422, { detail: err.detail.map((d) => ({ ...d, input: boundedInput(d.input) })) });
  if (err instanceof HttpError) return sendHttpError(req, res, err);
  if (isBodyParserError(err)) {
    if (err.type === 'entity.parse.failed') return sendJsonInvalid(res, err);
    if (err.status >= 400 && err.status < 500) return sendHttpError(req, res, new HttpError(err.status, err.message));
  }
  if (isBadPercentEncoding(err) || isDatabaseInputError(err)) return sendInputError(logger, req, res, err);
  logger.error({ err, method: req.method, route: res.locals.route, requestId: res.locals.requestId }, 'unhandled error');
  sendJson(
    res,
    500,
    errorEnvelope(res, {
      message: 'Internal server error',
      code: 'SYSTEM_1701',
      details: { path: req.path, exception_type: exceptionType(err) },
    }),
  );
};

/** Unknown path: the framework's bare answer, no envelope. */
export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ detail: 'Not Found' });
};

/** A known path asked with a method it does not serve; `Allow` lists the ones it does. */
export const methodNotAllowed =
  (allowed: string[]): RequestHandler =>
  (_req, res) => {
    res.status(405).set('Allow', allowed.join(', ')).json({ detail: 'Method Not Allowed' });
  };

/** One failed check of contract §1.3 source 3; `field` is the location joined with `.`, `""` for the whole object. */
export type QueryCheckError = { field: string; message: string; type: string; input: unknown };

/** pydantic's words for a ValueError raised by a validator. */
export const valueError = (field: string, message: string, input: unknown): QueryCheckError => ({
  field,
  message: `Value error, ${message}`,
  type: 'value_error',
  input,
});

/**
 * Contract §1.3 source 3: a check on a whole query-parameter object failed (date ranges, data
 * types, `sort_by` format, `search`). 422 `VALIDATION_1101` `Validation failed`, with the errors.
 */
export const queryCheckFailed = (path: string, errors: QueryCheckError[]): HttpError =>
  new HttpError(422, 'Validation failed', { code: 'VALIDATION_1101', details: { path, validation_errors: errors } });
