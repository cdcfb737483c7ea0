import type { z } from 'zod';
import { ClientFrame, clientFrameTypes } from './client-frames';
import type { ErrorCode } from './codes';

export type ParseResult =
  | { ok: true; frame: ClientFrame }
  | { ok: false; code: ErrorCode; message: string; requestId?: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const describeIssue = (issue: z.core.$ZodIssue): string => {
  const path = issue.path.length > 0 ? issue.path.join('.') : 'frame';
  return `${path}: ${issue.message}`;
};

/**
 * Turns one incoming WebSocket message into a typed frame or a precise error.
 * Never throws: every input, however hostile, gets an answer.
 */
export const parseClientFrame = (raw: string | Buffer, isBinary = false): ParseResult => {
  if (isBinary) return { ok: false, code: 'INVALID_JSON', message: 'binary frames are not supported; send JSON text' };
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { ok: false, code: 'INVALID_JSON', message: 'frame is not valid JSON' };
  }
  if (!isRecord(value)) return { ok: false, code: 'INVALID_FRAME', message: 'frame must be a JSON object' };
  const requestId = typeof value.request_id === 'string' ? value.request_id.slice(0, 128) : undefined;
  if (typeof value.type !== 'string') {
    return { ok: false, code: 'INVALID_FRAME', message: 'frame must have a string "type"', requestId };
  }
  if (!(clientFrameTypes as readonly string[]).includes(value.type)) {
    return { ok: false, code: 'UNKNOWN_TYPE', message: `unknown frame type "${value.type.slice(0, 64)}"`, requestId };
  }
  const parsed = ClientFrame.safeParse(value);
  if (!parsed.success) {
    const message = parsed.error.issues.slice(0, 3).map(describeIssue).join('; ');
    return { ok: false, code: 'VALIDATION_ERROR', message, requestId };
  }
  return { ok: true, frame: parsed.data };
};
