import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { OpenAI } from 'openai';
import { fromOpenAiFailure } from './openai-errors';
import { VoiceProviderError } from './voice-error';

/** The audio encodings a speech engine can produce. `pcm` is raw 16-bit little-endian mono samples. */
export type SpeechFormat = 'wav' | 'pcm' | 'mp3' | 'opus';

/** Content types to send synthesised audio with. OpenAI's `opus` comes in an Ogg container. */
export const SPEECH_MIME_TYPES: Readonly<Record<SpeechFormat, string>> = {
  wav: 'audio/wav',
  pcm: 'audio/L16',
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
};

/**
 * Turns one sentence into audio, yielded as the engine produces it so playback can start before
 * synthesis ends. Aborting `signal` stops the work; failures are VoiceProviderErrors.
 */
export interface SpeechEngine {
  readonly name: string;
  readonly format: SpeechFormat;
  synthesize(text: string, signal: AbortSignal): AsyncIterable<Buffer>;
}

export type OpenAiSpeechEngineOptions = {
  baseURL: string;
  apiKey: string;
  model: string;
  voice: string;
  format: SpeechFormat;
  /** Bound on waiting for the response to start (the SDK's `timeout`); the body then streams for as long as the signal allows. */
  timeoutMs?: number;
};

const OPENAI_SPEECH = 'openai-speech';

/**
 * Speech from an OpenAI-compatible `/audio/speech` endpoint through the official SDK. The SDK
 * hands back the fetch Response unread, so its body is relayed chunk by chunk as it arrives.
 * No retries here: the caller knows whether a sentence is still worth saying.
 */
export const openAiSpeechEngine = (opts: OpenAiSpeechEngineOptions): SpeechEngine => {
  const client = new OpenAI({ baseURL: opts.baseURL, apiKey: opts.apiKey, maxRetries: 0, timeout: opts.timeoutMs });
  return {
    name: OPENAI_SPEECH,
    format: opts.format,
    async *synthesize(text, signal) {
      try {
        const body = { model: opts.model, voice: opts.voice, input: text, response_format: opts.format };
        const response = await client.audio.speech.create(body, { signal });
        if (!response.body) throw new VoiceProviderError('provider_unavailable', 'response has no body', { provider: OPENAI_SPEECH });
        // A Node stream is async-iterable, and stopping early cancels the body and frees the connection.
        // The cast bridges @types/node's two declarations of the same WHATWG ReadableStream.
        for await (const chunk of Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>)) yield chunk as Buffer;
        // Audio that ends because of an abort is cut short, not complete.
        signal.throwIfAborted();
      } catch (err) {
        throw fromOpenAiFailure(err, { provider: OPENAI_SPEECH, signal, uploadsAudio: false });
      }
    },
  };
};
