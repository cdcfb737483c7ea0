import { createHash } from 'node:crypto';
import { simulatedSpeech, SPEECH_FORMATS, type SpeechFormat } from '@aurawell/deepseek-sim';
import { speakableSpan } from '@aurawell/voice';

/** A sentence of a spoken answer as the client put it together (the SDK's `sentence` event). */
export type HeardSentence = { sentence: number; textStart: number; textEnd: number; format: string; audio: Uint8Array; error?: string };

/** One speech request the simulator answered: what it read, in which voice and format. */
export type SpeechInput = { input: string; voice: string; format: string };

export type SentenceComparison = 'exact' | 'audio_mismatch' | 'no_speech_request';

const digest = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The speech requests the simulator answered, found by their input: what the worker gives the
 * engine for a sentence (@aurawell/voice's `speakableSpan`, Markdown marks out). Each one's bytes are
 * `simulatedSpeech` of its input (deterministic), hashed the first time a sentence is compared with them.
 */
export class SpokenInputs {
  private readonly byInput = new Map<string, { input: SpeechInput; digest?: string }[]>();
  private readonly seen = new Set<string>();

  /** Adds a request (the same input, voice and format once; formats the simulator does not speak are left out). */
  add(input: SpeechInput): void {
    if (!(SPEECH_FORMATS as readonly string[]).includes(input.format)) return;
    const id = `${input.voice}\u0000${input.format}\u0000${input.input}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.byInput.set(input.input, [...(this.byInput.get(input.input) ?? []), { input: { input: input.input, voice: input.voice, format: input.format } }]);
  }

  get size(): number {
    return this.seen.size;
  }

  /** `audio`, heard for the sentence `start`..`end` of `answer`: exactly the bytes of a request that read it, other bytes, or no request read it. */
  compare(answer: string, span: { start: number; end: number }, format: string, audio: Uint8Array): SentenceComparison {
    const candidates = (this.byInput.get(speakableSpan(answer, span.start, span.end)) ?? []).filter((c) => c.input.format === format);
    if (candidates.length === 0) return 'no_speech_request';
    const heard = digest(audio);
    const bytesOf = (i: SpeechInput) => simulatedSpeech(i.input, i.voice, i.format as SpeechFormat);
    return candidates.some((c) => (c.digest ??= digest(bytesOf(c.input))) === heard) ? 'exact' : 'audio_mismatch';
  }
}

/** What the engine would have to say of the answer outside every sentence (a sentence lost, or never spoken): nothing but whitespace and Markdown marks may lie there. */
export const unspokenWords = (text: string, sentences: Pick<HeardSentence, 'textStart' | 'textEnd'>[]): string => {
  let at = 0;
  const rest: string[] = [];
  for (const s of [...sentences, { textStart: text.length, textEnd: text.length }]) {
    if (s.textStart > at) rest.push(speakableSpan(text, at, s.textStart));
    at = Math.max(at, s.textEnd);
  }
  return rest.filter((r) => r !== '').join(' ');
};

/**
 * Why a spoken answer is not exact, or null: no audio at all, a sentence that failed (`tts:TTS_FAILED`,
 * `tts:TTS_TIMEOUT`), sentences out of order or overlapping (`sentence_span`), a sentence whose audio is
 * not exactly the simulator's bytes for its words (when `inputs` is given), words no sentence spoke.
 */
export const audioCause = (text: string, sentences: HeardSentence[], inputs: SpokenInputs | null): string | null => {
  if (sentences.length === 0) return unspokenWords(text, []) === '' ? null : 'no_audio';
  let end = 0;
  for (const [i, s] of sentences.entries()) {
    if (s.error) return `tts:${s.error}`;
    if (s.sentence !== i || s.textStart < end || s.textEnd <= s.textStart || s.textEnd > text.length) return 'sentence_span';
    end = s.textEnd;
    const compared = inputs?.compare(text, { start: s.textStart, end: s.textEnd }, s.format, s.audio) ?? 'exact';
    if (compared !== 'exact') return compared;
  }
  return unspokenWords(text, sentences) === '' ? null : 'unspoken_text';
};
