import { ChatMeter, type ChatEnd, type ChatMeasures, type ChatResult } from './chat-meter';
import { now } from './clock';
import type { Recorders } from './histogram';
import type { SimTranscript } from './transcripts';
import type { WireFrame } from './wire-tally';

/** A spoken question's answer, measured from the end of speech (the client sending `voice_end`). */
export const VOICE_MEASURES: ChatMeasures = {
  sending: 'speech_end_to_sending',
  firstToken: 'speech_end_to_first_token',
  gap: 'inter_token_gap',
  done: 'speech_end_to_done',
  added: 'added_latency',
};

/** Speech end → the first `voice_transcript` of the utterance after it (at a realistic pace often a partial under way when speech ended). */
export const SPEECH_END_TO_TRANSCRIPT = 'speech_end_to_transcript';
/** Speech end → the final `voice_transcript` (the gateway publishes it once the question was asked). */
export const SPEECH_END_TO_FINAL_TRANSCRIPT = 'speech_end_to_final_transcript';
/** Speech end → the answer's first `chat_audio` frame (its first audio bytes). */
export const SPEECH_END_TO_FIRST_AUDIO = 'speech_end_to_first_audio';

/**
 * The speech budget, at the client: from the arrival of the text that completes the first
 * spoken sentence (`text_end` of the answer's first `chat_audio`) to that audio frame.
 */
export const SENTENCE_TEXT_TO_AUDIO = 'first_sentence_text_to_audio';

/** A spoken question's result: the chat's (text and wire), and what was spoken. */
export type VoiceResult = ChatResult & { sentences: number; audioBytes: number };

/** What was spoken of an answer: its sentences, their audio bytes, and why it is not exact (null: exact, or not checked). */
export type SpokenVerdict = { sentences: number; audioBytes: number; cause: string | null };

/** Why the final transcript is not the expected one (`expected` null: not checked), or null. */
export const transcriptCause = (final: string | null, expected: string | null): string | null => {
  if (final === null) return 'no_final_transcript';
  return expected !== null && final !== expected ? 'transcript_mismatch' : null;
};

/**
 * The first reason a spoken question is not exact: the answer not done (timeout, an error such as
 * a VOICE_* refusal), then the transcript, the answer's text, its audio.
 */
export const voiceCause = (end: ChatEnd, chat: string | null, transcript: string | null, audio: string | null): string | null =>
  end.state !== 'done' ? chat : (transcript ?? chat ?? audio);

/**
 * Measures one spoken question from the end of speech: the first and the final transcript, the answer
 * (a ChatMeter under VOICE_MEASURES: sending, first token, gaps, done, added latency) and its first
 * audio frame, from the frames as they arrive on the wire.
 */
export class VoiceMeter {
  readonly answer: ChatMeter;
  /** The final transcript's text, once it arrived. */
  finalTranscript: string | null = null;
  /** Resolves when the final transcript arrives. */
  readonly transcribed: Promise<void>;
  private readonly endAt = now();
  private transcriptSeen = false;
  private audioSeen = false;
  /** The answer's text length after each `chat_stream` frame (in seq order) and when it came, until the first audio. */
  private readonly textArrivals: { length: number; at: number }[] = [];
  private lastTextSeq = 0;
  private resolveTranscribed!: () => void;

  constructor(
    readonly expectedText: string,
    private readonly rec: Recorders,
  ) {
    this.answer = new ChatMeter(expectedText, rec, VOICE_MEASURES);
    this.transcribed = new Promise((resolve) => (this.resolveTranscribed = resolve));
  }

  get messageId(): string | null {
    return this.answer.messageId;
  }

  bind(messageId: string): void {
    this.answer.bind(messageId);
  }

  /** One received frame (the answer's, once bound; others are ignored). */
  onFrame(f: WireFrame, at = now()): void {
    this.answer.onFrame(f, at);
    if (this.audioSeen || this.messageId === null || f.message_id !== this.messageId) return;
    if (f.type === 'chat_stream') return this.onText(f, at);
    if (f.type !== 'chat_audio') return;
    this.audioSeen = true;
    this.rec.get(SPEECH_END_TO_FIRST_AUDIO).record(at - this.endAt);
    const textEnd = (f as WireFrame & { text_end?: number }).text_end ?? Infinity;
    const spokenText = this.textArrivals.find((t) => t.length >= textEnd);
    if (spokenText) this.rec.get(SENTENCE_TEXT_TO_AUDIO).record(at - spokenText.at);
  }

  /** Each new text frame (a repeat or an older seq adds nothing), while the first audio is awaited. */
  private onText(f: WireFrame, at: number): void {
    if (f.seq === undefined || f.seq <= this.lastTextSeq) return;
    this.lastTextSeq = f.seq;
    const length = (this.textArrivals.at(-1)?.length ?? 0) + (f.delta?.length ?? 0);
    this.textArrivals.push({ length, at });
  }

  /** A transcript of this utterance arrived (partial or final). */
  onTranscript(t: { text: string; final: boolean }, at = now()): void {
    if (!this.transcriptSeen) this.rec.get(SPEECH_END_TO_TRANSCRIPT).record(at - this.endAt);
    this.transcriptSeen = true;
    if (!t.final || this.finalTranscript !== null) return;
    this.rec.get(SPEECH_END_TO_FINAL_TRANSCRIPT).record(at - this.endAt);
    this.finalTranscript = t.text;
    this.resolveTranscribed();
  }

  /**
   * The result: the answer's (exact text against the simulator when `simText` is not undefined),
   * the final transcript against `expected` (null: not checked), and the spoken verdict.
   */
  finish(end: ChatEnd, simText: SimTranscript | null | undefined, expected: string | null, spoken: SpokenVerdict): VoiceResult {
    const chat = this.answer.finish(end, simText);
    const cause = voiceCause(end, chat.cause, transcriptCause(this.finalTranscript, expected), spoken.cause);
    return { ...chat, ok: cause === null, cause, sentences: spoken.sentences, audioBytes: spoken.audioBytes };
  }
}
