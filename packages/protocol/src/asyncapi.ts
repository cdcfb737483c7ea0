import { z } from 'zod';
import { ClientFrame } from './client-frames';
import { CloseCode, errorCodeDescriptions } from './codes';
import { ServerFrame } from './server-frames';

type JsonSchema = Record<string, unknown>;

const schemaOf = (s: z.ZodType): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/** What each frame type is for, shown beside its schema. */
const clientSummaries: Record<string, string> = {
  health_chat: 'Ask the health assistant (personalised with the active member’s data).',
  general_chat: 'Ask the general assistant.',
  switch_member: 'Ask for a family member (this device only).',
  get_status: 'This device’s session.',
  ping: 'Application-level ping (answered by pong).',
  pong: 'Accepted and ignored (the original service’s clients answered its JSON pings so); never answered.',
  cancel: 'Stop a generation, from any device of the user.',
  resume: 'Replay a generation’s frames after `last_seq`, then continue live.',
  acknowledge: 'Mark reminder deliveries read on every device.',
  sync: 'What happened while this device was away.',
  voice_start: 'Open an utterance: its audio follows as binary frames (WebM/Ogg Opus, WAV or PCM16), then voice_end.',
  voice_end: 'Close the utterance: it is transcribed and asked as a question (voice_transcript, then a generation).',
  voice_cancel: 'Drop the open utterance; nothing is asked.',
  voice_settings: 'This device’s default for spoken answers (chat_audio frames).',
};
const serverSummaries: Record<string, string> = {
  connection_established: 'First frame of every connection.',
  status_update: 'Generation status (seq 1 is `sending`; one terminal status ends it), or the answer to a request.',
  chat_stream: 'A piece of the answer; `seq` is gap-free per generation.',
  reasoning_stream: 'A piece of a thinking model’s reasoning.',
  error: 'A refused frame or a failed generation; either is followed by `status_update` `error` (a refusal’s has `message_id` null and no `seq`).',
  pong: 'Answer to ping.',
  reminder: 'A reminder came due (sent once per device).',
  reminders_read: 'Reminder deliveries read on some device.',
  user_message: 'The user’s own question, sent from another device.',
  sync: 'Recent turns, running generations and unread reminders.',
  voice_transcript: 'An utterance’s transcript so far (final false) or in full, to every device of the user.',
  chat_audio: 'A piece of the spoken answer, a frame of the generation (seq order); a sentence’s chunks end with final true.',
};

type Variant = { shape: { type: { value: string } } } & z.ZodType;

const messagesOf = (union: { options: readonly Variant[] }, prefix: string, summaries: Record<string, string>) =>
  Object.fromEntries(
    union.options.map((o) => {
      const type = o.shape.type.value;
      return [`${prefix}_${type}`, { name: type, title: type, summary: summaries[type] ?? type, contentType: 'application/json', payload: schemaOf(o) }];
    }),
  );

/**
 * The WebSocket protocol as an AsyncAPI 3.0 document, generated from the same zod schemas the
 * gateway validates with, so the document cannot drift from the code.
 */
export const buildAsyncApi = (opts: { version?: string } = {}) => {
  const send = messagesOf(ClientFrame as unknown as { options: Variant[] }, 'client', clientSummaries);
  const receive = messagesOf(ServerFrame as unknown as { options: Variant[] }, 'server', serverSummaries);
  const refs = (m: Record<string, unknown>) => Object.keys(m).map((k) => ({ $ref: `#/channels/chat/messages/${k}` }));
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'AuraWell realtime WebSocket protocol',
      version: opts.version ?? '1.0.0',
      description: [
        'Streaming health advice over `/ws/chat/{user_id}`. Every frame of a generation carries `message_id` and `seq` (1, 2, 3, … without gaps); frames without `seq` (reminders, other devices’ messages, sync) are outside any generation.',
        `Close codes: ${Object.entries(CloseCode).map(([k, v]) => `${v} ${k}`).join(', ')}.`,
        `Error codes: ${Object.entries(errorCodeDescriptions).map(([k, v]) => `${k} (${v})`).join(' ')}`,
      ].join('\n\n'),
    },
    defaultContentType: 'application/json',
    channels: {
      chat: {
        address: '/ws/chat/{user_id}',
        description: 'One WebSocket per device. Query: `token` (JWT) or `ticket` (one-time, from POST /api/v1/ws/ticket); optional `device_id` (8–64 of [A-Za-z0-9_-]) so a reminder reaches the device once across reconnects.',
        parameters: { user_id: { description: 'the id in the token’s `sub`' } },
        messages: { ...send, ...receive },
      },
    },
    operations: {
      sendFrame: { action: 'send', channel: { $ref: '#/channels/chat' }, summary: 'Frames a client sends', messages: refs(send) },
      receiveFrame: { action: 'receive', channel: { $ref: '#/channels/chat' }, summary: 'Frames the server sends', messages: refs(receive) },
    },
  };
};
