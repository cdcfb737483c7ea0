import { cutLongSentence } from './long-sentence';
import { findSentenceEnd, skipWhitespace } from './sentence-boundary';
import { speakableLength, speakableSpan } from './speakable';

/**
 * One sentence of the answer to read aloud. `start`/`end` are UTF-16 offsets into the whole
 * answer text so a client can highlight it; `text` is that slice, `speakable` the words to synthesise.
 */
export type SpeechSpan = { index: number; start: number; end: number; text: string; speakable: string };

export type SentenceChunkerOptions = {
  /** Sentences with fewer speakable characters join the next one (a TTS request per "好的。" sounds choppy). Default 6. */
  minSpeakableChars?: number;
  /** Longer sentences are cut at a clause mark so the first audio starts sooner. Default 120. */
  maxChars?: number;
};

type Range = { start: number; end: number };

/**
 * Splits a streamed answer into sentences as its deltas arrive. Pure and deterministic: how the
 * answer is cut into deltas never changes the spans, because every decision waits for the text it
 * depends on (see sentence-boundary.ts).
 */
export class SentenceChunker {
  private readonly minSpeakableChars: number;
  private readonly maxChars: number;
  private text = '';
  /** Where the text not yet turned into sentences starts. */
  private pending = 0;
  /** A sentence too short to read alone, waiting to join the next. */
  private held: Range | null = null;
  private nextIndex = 0;
  private flushed = false;

  constructor(options: SentenceChunkerOptions = {}) {
    this.minSpeakableChars = options.minSpeakableChars ?? 6;
    this.maxChars = options.maxChars ?? 120;
    if (!(this.maxChars >= 1)) throw new RangeError('maxChars must be >= 1');
  }

  /** Adds the next delta of the answer; returns the sentences it completed. */
  push(delta: string): SpeechSpan[] {
    if (this.flushed) throw new Error('SentenceChunker: push after flush');
    this.text += delta;
    return this.drain(false);
  }

  /** Ends the answer; returns the sentences still open, the last one included. */
  flush(): SpeechSpan[] {
    if (this.flushed) return [];
    this.flushed = true;
    const spans = this.drain(true);
    if (this.held) spans.push(this.span(this.held, this.speakableOf(this.held)));
    this.held = null;
    return spans;
  }

  /** The whole answer text received so far. */
  get fullText(): string {
    return this.text;
  }

  private drain(final: boolean): SpeechSpan[] {
    const spans: SpeechSpan[] = [];
    for (;;) {
      const start = skipWhitespace(this.text, this.pending);
      this.pending = start;
      if (start >= this.text.length) return spans;
      const found = findSentenceEnd(this.text, start, final);
      const reach = found.kind === 'end' ? found.at : found.settled;
      if (reach - start >= this.maxChars) {
        // Known to be too long already: cut now rather than wait for the sentence to end.
        const cut = cutLongSentence(this.text, start, this.maxChars);
        this.accept({ start, end: cut.end }, spans);
        this.pending = cut.next;
      } else if (found.kind === 'end') {
        this.accept({ start, end: found.end }, spans);
        this.pending = found.next;
      } else {
        return spans;
      }
    }
  }

  /** Emits a sentence, joined to a held short one; holds it if still short; skips it if nothing is left to say. */
  private accept(sentence: Range, spans: SpeechSpan[]): void {
    const range = { start: this.held?.start ?? sentence.start, end: sentence.end };
    const speakable = this.speakableOf(range);
    if (speakable === '') return;
    if (speakableLength(speakable) < this.minSpeakableChars) {
      this.held = range;
      return;
    }
    this.held = null;
    spans.push(this.span(range, speakable));
  }

  private speakableOf(range: Range): string {
    return speakableSpan(this.text, range.start, range.end);
  }

  private span(range: Range, speakable: string): SpeechSpan {
    const index = this.nextIndex;
    this.nextIndex += 1;
    return { index, start: range.start, end: range.end, text: this.text.slice(range.start, range.end), speakable };
  }
}
