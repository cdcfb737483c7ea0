import { OpenAI, toFile } from 'openai';
import type { Uploadable } from 'openai/uploads';
import { AUDIO_FILE_EXTENSIONS, AUDIO_MIME_TYPES, pcm16ToWav, type AudioFormat } from './audio-format';
import { fromOpenAiFailure } from './openai-errors';
import { VoiceProviderError } from './voice-error';

export type TranscribeOptions = {
  signal: AbortSignal;
  /** ISO-639-1 code such as "zh"; telling the provider improves accuracy and latency. */
  language?: string;
  /** Called with the whole text recognised so far, each time it grows (streaming providers only). */
  onPartial?: (textSoFar: string) => void;
  /** Sample rate of `pcm16` audio, which carries no header to say it. Default 16000. */
  pcmSampleRate?: number;
};

/** Turns a spoken question into text. Failures are VoiceProviderErrors. */
export interface Transcriber {
  readonly name: string;
  transcribe(audio: Buffer, format: AudioFormat, opts: TranscribeOptions): Promise<string>;
}

export type OpenAiTranscriberOptions = {
  baseURL: string;
  apiKey: string;
  model: string;
  /** Ask for `transcript.text.delta` events as the provider recognises speech. Default true. */
  stream?: boolean;
  /** Deadline for the whole transcription, upload to final text; the caller's signal can end it sooner. */
  timeoutMs?: number;
};

const OPENAI_TRANSCRIBER = 'openai-transcriber';
const DEFAULT_PCM_SAMPLE_RATE = 16_000;

/** The upload as a named file. Raw PCM goes as WAV: transcription endpoints take containers, not bare samples. */
const audioFile = (audio: Buffer, format: AudioFormat, pcmSampleRate: number): Promise<Uploadable> => {
  if (format === 'pcm16') return toFile(pcm16ToWav(audio, pcmSampleRate), 'speech.wav', { type: AUDIO_MIME_TYPES.wav });
  return toFile(audio, `speech.${AUDIO_FILE_EXTENSIONS[format]}`, { type: AUDIO_MIME_TYPES[format] });
};

type RequestParts = { file: Uploadable; model: string; language?: string };

/** Streams the transcript: partial text from the deltas, the final text from `transcript.text.done`. */
const streamTranscript = async (
  client: OpenAI,
  parts: RequestParts,
  signal: AbortSignal,
  onPartial: ((textSoFar: string) => void) | undefined,
): Promise<string> => {
  const events = await client.audio.transcriptions.create({ ...parts, stream: true }, { signal });
  let textSoFar = '';
  for await (const event of events) {
    if (event.type === 'transcript.text.delta') {
      textSoFar += event.delta;
      onPartial?.(textSoFar);
    } else if (event.type === 'transcript.text.done') {
      return event.text;
    }
  }
  // The SDK ends the iteration quietly when the signal fires; that is an abort, not a short answer.
  signal.throwIfAborted();
  // Without the done event the text may be cut short; a wrong question is worse than none.
  const message = 'transcript stream ended before transcript.text.done';
  throw new VoiceProviderError('provider_unavailable', message, { provider: OPENAI_TRANSCRIBER });
};

/** The caller's signal, bounded by the deadline if there is one. */
const withDeadline = (signal: AbortSignal, timeoutMs: number | undefined): AbortSignal =>
  timeoutMs === undefined ? signal : AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);

/**
 * Transcription by an OpenAI-compatible `/audio/transcriptions` endpoint through the official
 * SDK, streamed by default so the user sees their words appear. No retries here: the caller
 * decides whether the question is still worth asking. The deadline is a signal rather than the
 * SDK's `timeout`, which stops at the response headers while a streamed transcript goes on after them.
 */
export const openAiTranscriber = (opts: OpenAiTranscriberOptions): Transcriber => {
  const client = new OpenAI({ baseURL: opts.baseURL, apiKey: opts.apiKey, maxRetries: 0 });
  const stream = opts.stream ?? true;
  return {
    name: OPENAI_TRANSCRIBER,
    async transcribe(audio, format, transcribeOpts) {
      const { language, onPartial, pcmSampleRate = DEFAULT_PCM_SAMPLE_RATE } = transcribeOpts;
      const signal = withDeadline(transcribeOpts.signal, opts.timeoutMs);
      try {
        const file = await audioFile(audio, format, pcmSampleRate);
        const parts: RequestParts = { file, model: opts.model, ...(language ? { language } : {}) };
        if (stream) return await streamTranscript(client, parts, signal, onPartial);
        const transcription = await client.audio.transcriptions.create(parts, { signal });
        return transcription.text;
      } catch (err) {
        throw fromOpenAiFailure(err, { provider: OPENAI_TRANSCRIBER, signal, uploadsAudio: true });
      }
    },
  };
};
