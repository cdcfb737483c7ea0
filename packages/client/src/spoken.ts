import type { ChatAudioFrame } from '@aurawell/protocol';

/** A sentence of a spoken answer: the span of the answer's text it speaks, and its whole audio. */
export type SpokenSentence = {
  sentence: number;
  textStart: number;
  textEnd: number;
  format: ChatAudioFrame['format'];
  /** What spoke it (e.g. espeak-ng, openai-speech). */
  engine: string;
  audio: Uint8Array;
  /** TTS_FAILED / TTS_TIMEOUT: this sentence (and the rest) is text only. */
  error?: string;
};

const fromBase64 = (b64: string): Uint8Array => {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
};

/**
 * Puts a spoken answer's `chat_audio` frames (applied in seq order) back together: a sentence's
 * chunks' bytes in order, complete at its `final` chunk. Chunks also go out one by one, for
 * players that start before a sentence is complete.
 */
export class SpokenAnswer {
  private chunks: Uint8Array[] = [];

  /** The sentence this frame completes, if it is its final chunk. */
  push(frame: ChatAudioFrame): SpokenSentence | null {
    this.chunks.push(fromBase64(frame.audio));
    if (!frame.final) return null;
    const audio = new Uint8Array(this.chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of this.chunks) {
      audio.set(c, at);
      at += c.length;
    }
    this.chunks = [];
    const { sentence, text_start: textStart, text_end: textEnd, format, engine, error_code: error } = frame;
    return { sentence, textStart, textEnd, format, engine, audio, ...(error ? { error } : {}) };
  }

  /** A worker took the answer over: what was spoken is void too. */
  reset(): void {
    this.chunks = [];
  }
}
