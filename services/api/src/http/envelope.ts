import type { ErrorEnvelope } from '@aurawell/protocol';
import type { Response } from 'express';

/** Contract §1.2: every success body of style E (and, with extra fields, styles F and P). */
export type SuccessEnvelope<T> = {
  success: true;
  status: 'success';
  message: string;
  data: T | null;
  timestamp: string;
  request_id: string;
};

/** UTC, ISO 8601, ending in `Z`. */
export const utcNow = (): string => new Date().toISOString();

/** The id the request-id middleware gave this request (echoed in `X-Request-ID`). */
export const requestIdOf = (res: Response): string => res.locals.requestId ?? '';

export const successEnvelope = <T>(res: Response, message: string, data: T | null = null): SuccessEnvelope<T> => ({
  success: true,
  status: 'success',
  message,
  data,
  timestamp: utcNow(),
  request_id: requestIdOf(res),
});

export const errorEnvelope = (
  res: Response,
  e: { message: string; code: string | null; details: Record<string, unknown> | null },
): ErrorEnvelope => ({
  success: false,
  status: 'error',
  message: e.message,
  data: null,
  error_code: e.code,
  details: e.details,
  timestamp: utcNow(),
  request_id: requestIdOf(res),
});

/**
 * A body without what differs on every answer (the envelope's `timestamp` and `request_id`): what
 * an ETag may cover, so that it changes exactly when the data does.
 */
export const withoutPerResponseFields = (body: unknown): unknown => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const { timestamp: _timestamp, request_id: _requestId, ...stable } = body as Record<string, unknown>;
  return stable;
};

/**
 * Sends a 200 envelope. `extra` adds top-level fields beside the envelope (style F, or
 * `pagination` for style P).
 */
export const sendSuccess = <T>(res: Response, message: string, data: T | null = null, extra: Record<string, unknown> = {}): void => {
  res.status(200).json({ ...successEnvelope(res, message, data), ...extra });
};
