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

/** FastAPI's answer to a body that is not JSON. */
const sendJsonInvalid = (res: Response, err: BodyParserError): void => {
  const body = typeof err.body === 'string' ? err.body : '';
  res.status(422).json({
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
  res.status(err.status).json(
    errorEnvelope(res, {
      message: err.message,
      code: err.code ?? errorCodeForStatus(err.status),
      details: err.details ?? { path: req.path },
    }),
  );
};

const exceptionType = (err: unknown): string =>
  err instanceof Error ? err.constructor.name || err.name : typeof err;

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
  if (err instanceof RequestValidationError) return void res.status(422).json({ detail: err.detail });
  if (err instanceof HttpError) return sendHttpError(req, res, err);
  if (isBodyParserError(err)) {
    if (err.type === 'entity.parse.failed') return sendJsonInvalid(res, err);
    if (err.status >= 400 && err.status < 500) return sendHttpError(req, res, new HttpError(err.status, err.message));
  }
  logger.error({ err, method: req.method, route: res.locals.route, requestId: res.locals.requestId }, 'unhandled error');
  res.status(500).json(
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

/**
 * Contract §1.3 source 3: a check on a whole query-parameter object failed (date ranges, data
 * types, `sort_by` format, `search`). 422 `VALIDATION_1101` `Validation failed`, with the errors.
 */
export const queryCheckFailed = (path: string, errors: QueryCheckError[]): HttpError =>
  new HttpError(422, 'Validation failed', { code: 'VALIDATION_1101', details: { path, validation_errors: errors } });
