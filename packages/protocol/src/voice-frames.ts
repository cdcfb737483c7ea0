import { z } from 'zod';
import { chatContext, conversationId, MAX_ID_CHARS, opaqueId, storableText } from './fields';
import { nowIso } from './status';

// Voice: speech in (an utterance's audio as binary WebSocket frames between `voice_start` and
// `voice_end`) and speech out (`chat_audio` frames of the generation, in its `seq` order).

const timestamp = z.string().describe('ISO 8601 time the frame was made');

/** What the audio of an utterance is: MediaRecorder's Opus in WebM or Ogg, a WAV file, or raw 16-bit mono PCM. */
export const VoiceInputFormat = z.enum(['webm', 'ogg', 'wav', 'pcm16']);
export type VoiceInputFormat = z.infer<typeof VoiceInputFormat>;

/** Formats a spoken answer can come in (what the speech engine produces). */
export const SpeechFormat = z.enum(['wav', 'pcm', 'mp3', 'opus']);
export type SpeechFormat = z.infer<typeof SpeechFormat>;

const envelope = {
  conversation_id: conversationId.optional(),
  active_member_id: opaqueId.optional(),
  request_id: storableText.refine((s) => s.length <= MAX_ID_CHARS, { message: `must be at most ${MAX_ID_CHARS} characters` }).optional(),
};

/** Opens an utterance: binary frames of audio follow, then `voice_end` (or `voice_cancel`). One at a time per connection. */
export const VoiceStartFrame = z.object({
  type: z.literal('voice_start'),
  data: z.object({
    format: VoiceInputFormat,
    sample_rate: z.number().int().min(8000).max(48000).optional().describe('pcm16 only (mono, little-endian); default 16000'),
    language: z.string().regex(/^[a-z]{2,3}(-[A-Za-z]{2,4})?$/).optional().describe('a hint for recognition, e.g. "zh"'),
    kind: z.enum(['health', 'general']).optional().describe('which chat the question goes to (default health)'),
    speak: z.boolean().optional().describe("speak the answer (default: the device's voice_settings)"),
    context: chatContext.optional(),
  }),
  ...envelope,
});

/** Closes the open utterance: its audio is transcribed and the transcript asked as a question. */
export const VoiceEndFrame = z.object({ type: z.literal('voice_end'), data: z.object({}).optional(), ...envelope });

/** Drops the open utterance: nothing is transcribed or asked. */
export const VoiceCancelFrame = z.object({ type: z.literal('voice_cancel'), data: z.object({}).optional(), ...envelope });

/** This device's defaults: `speak_answers` makes every question from it ask for a spoken answer. */
export const VoiceSettingsFrame = z.object({
  type: z.literal('voice_settings'),
  data: z.object({ speak_answers: z.boolean() }),
  ...envelope,
});

/** The transcript of an utterance so far (`final: false`, while the person talks) or in full (`final: true`), to every device of the user. */
export const VoiceTranscriptFrame = z.object({
  type: z.literal('voice_transcript'),
  utterance_id: z.string(),
  request_id: z.string().nullable(),
  text: z.string(),
  final: z.boolean(),
  /** The generation that answers it (final transcripts that became a question). */
  message_id: z.string().nullable(),
  conversation_id: z.string().nullable(),
  origin_connection_id: z.string().nullable().describe('the connection that spoke'),
  timestamp,
});

/**
 * A piece of the spoken answer, a frame of the generation (it has a `seq`: resume, replay and
 * every device get it as they get text). `text_start`/`text_end` are the span of the answer's text
 * (UTF-16 offsets into the concatenated deltas) this sentence speaks; the sentence's audio is the
 * concatenation of its chunks' `audio` (base64) in order, ending with `final: true`. A sentence
 * whose synthesis failed ends with `error_code` and no more audio; the text is unaffected.
 */
export const ChatAudioFrame = z.object({
  type: z.literal('chat_audio'),
  conversation_id: z.string(),
  message_id: z.string(),
  seq: z.number().int().positive(),
  sentence: z.number().int().min(0),
  text_start: z.number().int().min(0),
  text_end: z.number().int().min(0),
  format: SpeechFormat,
  engine: z.string().describe('what speaks (e.g. espeak-ng, openai-speech): the page says so'),
  chunk: z.number().int().min(0),
  final: z.boolean(),
  audio: z.string().describe('base64 of the provider’s bytes'),
  error_code: z.enum(['TTS_FAILED', 'TTS_TIMEOUT']).optional(),
  timestamp,
});

export type VoiceStartFrame = z.infer<typeof VoiceStartFrame>;
export type VoiceTranscriptFrame = z.infer<typeof VoiceTranscriptFrame>;
export type ChatAudioFrame = z.infer<typeof ChatAudioFrame>;

/** Limits of speech in, the defaults of the gateway's configuration. */
export const VOICE_MAX_UTTERANCE_MS = 60_000;
export const VOICE_MAX_UTTERANCE_BYTES = 2 * 1024 * 1024;
/** Audio bytes per `chat_audio` frame at most (before base64): small enough never to hold text frames back. */
export const CHAT_AUDIO_CHUNK_BYTES = 8 * 1024;

export const voiceTranscriptFrame = (f: Omit<VoiceTranscriptFrame, 'type' | 'timestamp'>): VoiceTranscriptFrame => ({ type: 'voice_transcript', ...f, timestamp: nowIso() });

export const chatAudioFrame = (
  ref: { messageId: string; conversationId: string },
  seq: number,
  part: Omit<ChatAudioFrame, 'type' | 'conversation_id' | 'message_id' | 'seq' | 'timestamp'>,
): ChatAudioFrame => ({ type: 'chat_audio', conversation_id: ref.conversationId, message_id: ref.messageId, seq, ...part, timestamp: nowIso() });
