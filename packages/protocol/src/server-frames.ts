import { z } from 'zod';
import { ErrorCode } from './codes';
import { GenerationStatus } from './status';
import { ReminderFrame, RemindersReadFrame, SyncFrame, UserMessageFrame } from './sync-frames';
import { ChatAudioFrame, VoiceTranscriptFrame, type ChatAudioFrame as ChatAudio } from './voice-frames';

const timestamp = z.string().describe('ISO 8601 time the server created the frame');
const nullableId = z.string().nullable();

export { GenerationStatus, isTerminalStatus, nowIso, terminalStatuses } from './status';

export const Usage = z
  .object({
    prompt_tokens: z.number().int(),
    completion_tokens: z.number().int(),
    total_tokens: z.number().int(),
  })
  .catchall(z.unknown());
export type Usage = z.infer<typeof Usage>;

export const ConnectionEstablishedFrame = z.object({
  type: z.literal('connection_established'),
  status: z.literal('connected'),
  message: z.string(),
  user_id: z.string(),
  connection_id: z.string(),
  heartbeat_interval: z.number().int().describe('seconds between server pings'),
  timestamp,
});

export const DoneData = z.object({
  full_response: z.string(),
  conversation_id: z.string(),
  message_id: z.string(),
  response_length: z.number().int(),
  usage: Usage.nullable().optional(),
  finish_reason: z.string().nullable().optional(),
});

export const StatusUpdateFrame = z.object({
  type: z.literal('status_update'),
  status: GenerationStatus,
  message: z.string(),
  data: z.record(z.string(), z.unknown()).describe('always an object (`{}` at least): the original’s clients read `data.x` unguarded'),
  conversation_id: nullableId,
  message_id: nullableId.describe('null on an answer to a request or a refusal: such a status ends no generation'),
  seq: z.number().int().positive().optional().describe('present on every frame of a generation'),
  timestamp,
});

/** On a frame that merges several deltas for a slow client: it stands for seqs `seq_from`..`seq`. */
const seqFrom = z.number().int().positive().optional().describe('first seq of the deltas merged into this frame (slow clients)');

export const ChatStreamFrame = z.object({
  type: z.literal('chat_stream'),
  status: z.literal('streaming'),
  delta: z.string(),
  conversation_id: z.string(),
  message_id: z.string(),
  seq: z.number().int().positive(),
  seq_from: seqFrom,
  timestamp,
});

export const ReasoningStreamFrame = z.object({
  type: z.literal('reasoning_stream'),
  delta: z.string(),
  conversation_id: z.string(),
  message_id: z.string(),
  seq: z.number().int().positive(),
  seq_from: seqFrom,
  timestamp,
});

export const ErrorFrame = z.object({
  type: z.literal('error'),
  error_code: ErrorCode,
  message: z.string(),
  timestamp,
  request_id: z.string().optional(),
  message_id: z.string().optional(),
  conversation_id: z.string().optional(),
  seq: z.number().int().positive().optional(),
});

export const PongFrame = z.object({ type: z.literal('pong'), timestamp, request_id: z.string().optional() });

export const ServerFrame = z.discriminatedUnion('type', [
  ConnectionEstablishedFrame,
  StatusUpdateFrame,
  ChatStreamFrame,
  ReasoningStreamFrame,
  ErrorFrame,
  PongFrame,
  ReminderFrame,
  RemindersReadFrame,
  UserMessageFrame,
  SyncFrame,
  VoiceTranscriptFrame,
  ChatAudioFrame,
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ConnectionEstablishedFrame = z.infer<typeof ConnectionEstablishedFrame>;
export type StatusUpdateFrame = z.infer<typeof StatusUpdateFrame>;
export type ChatStreamFrame = z.infer<typeof ChatStreamFrame>;
export type ReasoningStreamFrame = z.infer<typeof ReasoningStreamFrame>;
export type ErrorFrame = z.infer<typeof ErrorFrame>;
export type PongFrame = z.infer<typeof PongFrame>;

/** The frames that belong to one generation, numbered by `seq`. */
export type GenerationFrame = StatusUpdateFrame | ChatStreamFrame | ReasoningStreamFrame | ErrorFrame | ChatAudio;

