import { createHash } from 'node:crypto';
import { simulatedSpeech, SPEECH_FORMATS, type SpeechFormat } from '@aurawell/deepseek-sim';

/** A sentence of a spoken answer as the client put it together (the SDK's `sentence` event). */
export type HeardSentence = { sentence: number; textStart: number; textEnd: number; format: string; audio: Uint8Array; error?: string };

/** One speech request the simulator answered: what it read, in which voice and format. */
export type SpeechInput = { input: string; voice: string; format: string };

export type SentenceComparison = 'exact' | 'audio_mismatch' | 'no_speech_request';

/**
 * Whitespace and the Markdown marks a speech engine is not given (the worker reads each sentence
 * through @aurawell/voice's `toSpeakable`, which drops such marks and collapses whitespace).
 */
const UNSPOKEN = /[\s*_~`#>+\-[\]()!]/gu;

/** The words of a text: what is left without whitespace and Markdown marks. A sentence and the speech request that read it have the same words. */
export const wordsOf = (text: string): string => text.replace(UNSPOKEN, '');

const digest = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * The speech requests the simulator answered, found by their words. Each one's bytes are
 * `simulatedSpeech` of its input (deterministic), hashed the first time a sentence is compared with them.
 */
export class SpokenInputs {
  private readonly byWords = new Map<string, { input: SpeechInput; digest?: string }[]>();
  private readonly seen = new Set<string>();

  /** Adds a request (the same input, voice and format once; formats the simulator does not speak are left out). */
  add(input: SpeechInput): void {
    if (!(SPEECH_FORMATS as readonly string[]).includes(input.format)) return;
    const id = `${input.voice}\u0000${input.format}\u0000${input.input}`;
    if (this.seen.has(id)) return;
    this.seen.add(id);
    const words = wordsOf(input.input);
    this.byWords.set(words, [...(this.byWords.get(words) ?? []), { input: { input: input.input, voice: input.voice, format: input.format } }]);
  }

  get size(): number {
    return this.seen.size;
  }

  /** `audio`, heard for the sentence `text`: exactly a request's bytes for the same words, other bytes, or no request read those words. */
  compare(text: string, format: string, audio: Uint8Array): SentenceComparison {
    const candidates = (this.byWords.get(wordsOf(text)) ?? []).filter((c) => c.input.format === format);
    if (candidates.length === 0) return 'no_speech_request';
    const heard = digest(audio);
    const bytesOf = (i: SpeechInput) => simulatedSpeech(i.input, i.voice, i.format as SpeechFormat);
    return candidates.some((c) => (c.digest ??= digest(bytesOf(c.input))) === heard) ? 'exact' : 'audio_mismatch';
  }
}

/** The words of the answer that no sentence spans (a sentence lost, or never spoken). */
export const unspokenWords = (text: string, sentences: Pick<HeardSentence, 'textStart' | 'textEnd'>[]): string => {
  let at = 0;
  let rest = '';
  for (const s of sentences) {
    rest += text.slice(at, Math.max(at, s.textStart));
    at = Math.max(at, s.textEnd);
  }
  return wordsOf(rest + text.slice(at));
};

/**
 * Why a spoken answer is not exact, or null: no audio at all, a sentence that failed (`tts:TTS_FAILED`,
 * `tts:TTS_TIMEOUT`), sentences out of order or overlapping (`sentence_span`), a sentence whose audio is
 * not exactly the simulator's bytes for its words (when `inputs` is given), words no sentence spoke.
 */
export const audioCause = (text: string, sentences: HeardSentence[], inputs: SpokenInputs | null): string | null => {
  if (sentences.length === 0) return wordsOf(text) === '' ? null : 'no_audio';
  let end = 0;
  for (const [i, s] of sentences.entries()) {
    if (s.error) return `tts:${s.error}`;
    if (s.sentence !== i || s.textStart < end || s.textEnd <= s.textStart || s.textEnd > text.length) return 'sentence_span';
    end = s.textEnd;
    const compared = inputs?.compare(text.slice(s.textStart, s.textEnd), s.format, s.audio) ?? 'exact';
    if (compared !== 'exact') return compared;
  }
  return unspokenWords(text, sentences) === '' ? null : 'unspoken_text';
};
