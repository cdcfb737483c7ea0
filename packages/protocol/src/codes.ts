import { z } from 'zod';

/** Stable error codes of `error` frames and of terminal `status_update` `error` frames. */
export const ErrorCode = z.enum([
  'INVALID_JSON',
  'INVALID_FRAME',
  'UNKNOWN_TYPE',
  'VALIDATION_ERROR',
  'RATE_LIMITED',
  'TOO_MANY_GENERATIONS',
  'FAMILY_ACCESS_DENIED',
  'CONVERSATION_NOT_FOUND',
  'GENERATION_NOT_FOUND',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'UPSTREAM_REJECTED',
  'UPSTREAM_INTERRUPTED',
  'SERVICE_UNAVAILABLE',
  'INTERNAL_ERROR',
  'VOICE_NOT_STARTED',
  'VOICE_ALREADY_STARTED',
  'VOICE_BAD_FORMAT',
  'VOICE_UNDECODABLE',
  'VOICE_SILENT',
  'VOICE_TOO_LONG',
  'VOICE_TOO_LARGE',
  'VOICE_UNAVAILABLE',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** What each error code means, for the protocol document and for clients. */
export const errorCodeDescriptions: Record<ErrorCode, string> = {
  INVALID_JSON: 'The frame is not valid JSON (or is a binary frame).',
  INVALID_FRAME: 'The frame is JSON but not an object with a string `type`.',
  UNKNOWN_TYPE: 'The frame `type` is not one the server understands.',
  VALIDATION_ERROR: 'A field of the frame is missing, of the wrong type or out of range.',
  RATE_LIMITED: 'Too many frames from this user; slow down.',
  TOO_MANY_GENERATIONS: 'This user already has the maximum number of generations running.',
  FAMILY_ACCESS_DENIED: 'The user is not allowed to act for that family member.',
  CONVERSATION_NOT_FOUND: 'The conversation does not exist or belongs to someone else.',
  GENERATION_NOT_FOUND: 'No generation with that message_id exists for this user.',
  UPSTREAM_UNAVAILABLE: 'The language model provider could not be reached or kept failing.',
  UPSTREAM_TIMEOUT: 'The language model provider did not answer within the deadline.',
  UPSTREAM_REJECTED: 'The language model provider rejected the request (bad request, key or balance).',
  UPSTREAM_INTERRUPTED: 'The provider stream stopped before the answer was complete; the partial text is kept.',
  SERVICE_UNAVAILABLE: 'A backend the gateway needs (queue, Redis) is unavailable; retry shortly.',
  INTERNAL_ERROR: 'An unexpected server fault.',
  VOICE_NOT_STARTED: 'A binary (audio) frame or `voice_end` came with no utterance open: send `voice_start` first.',
  VOICE_ALREADY_STARTED: 'An utterance is already open on this connection: end or cancel it first.',
  VOICE_BAD_FORMAT: 'The audio is not in the format `voice_start` declared (WebM, Ogg or PCM16 with an even length).',
  VOICE_UNDECODABLE: 'The speech recognizer could not decode the audio.',
  VOICE_SILENT: 'Nothing was said: the utterance gave an empty transcript.',
  VOICE_TOO_LONG: 'The utterance ran past the longest one allowed (60 s by default); it was dropped.',
  VOICE_TOO_LARGE: 'The utterance passed the most audio bytes allowed (2 MiB by default); it was dropped.',
  VOICE_UNAVAILABLE: 'The speech recognizer could not be reached or did not answer in time; try again.',
};

/** WebSocket close codes the gateway uses. */
export const CloseCode = {
  /** Server is shutting down or draining; reconnect and resume. */
  GOING_AWAY: 1001,
  MESSAGE_TOO_BIG: 1009,
  SERVICE_RESTART: 1012,
  /** The client reads too slowly; reconnect and resume. */
  TRY_AGAIN_LATER: 1013,
  INTERNAL_FAULT: 4000,
  UNAUTHORIZED: 4001,
  TOO_MANY_CONNECTIONS: 4029,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Generation status texts (Chinese is the default locale, as in the original service). */
export const statusText = {
  sending: '正在处理您的消息...',
  streaming: 'AI正在生成回复...',
  done: '回复完成',
  error: '生成回复时出错',
  cancelled: '已停止生成',
  /** The answer to `get_status` (the original's text). */
  status: '状态信息',
} as const;
