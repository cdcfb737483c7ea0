import type { ChatAudioFrame, DoneData, ErrorCode, StatusUpdateFrame } from '@aurawell/protocol';
import { GenerationAssembler, type GenerationFrame } from './assembler';
import { Emitter } from './emitter';
import { SpokenAnswer, type SpokenSentence } from './spoken';

/** `done.data`, typed from the protocol's schema (without importing zod here). */
export type DoneInfo = ReturnType<(typeof DoneData)['parse']>;

export type GenerationState = 'sending' | 'streaming' | 'done' | 'error' | 'cancelled';

/** Codes of failures the client itself detects, beside the server's error codes. */
export type ClientErrorCode = 'CONNECTION_LOST' | 'CONNECTION_CLOSED' | 'UNAUTHORIZED' | 'HTTP_ERROR' | 'VOICE_INTERRUPTED';
export type GenerationError = { code: ErrorCode | ClientErrorCode; message: string };

export type GenerationResult = {
  state: 'done' | 'error' | 'cancelled';
  messageId: string | null;
  /** Exactly the answer's text (after the last restart notice). */
  text: string;
  reasoning: string;
  /** `done.data` (full_response, usage, …) when the answer completed. */
  done?: DoneInfo;
  error?: GenerationError;
};

export type GenerationEvents = {
  /** The whole text so far, after every change (also '' after a restart notice). */
  text: string;
  reasoning: string;
  status: GenerationState;
  /** A worker took the generation over: what was shown is void. */
  restart: StatusUpdateFrame;
  /** Every frame applied, in seq order. */
  frame: GenerationFrame;
  /** A spoken answer's piece (`chat_audio`), in seq order: for players that start mid-sentence. */
  audio: ChatAudioFrame;
  /** A spoken answer's sentence, complete: its whole audio and the span of text it speaks. */
  sentence: SpokenSentence;
  done: GenerationResult;
  error: GenerationResult;
  cancelled: GenerationResult;
};

/**
 * One answer as the application sees it: one continuous, exact text whatever happened to the
 * connections underneath. The client feeds it frames; the application only listens.
 */
export class Generation extends Emitter<GenerationEvents> {
  messageId: string | null = null;
  conversationId: string | null = null;
  /** Resolves once with the end of the generation (done, error or cancelled); never rejects. */
  readonly ended: Promise<GenerationResult>;
  /** Set by `cancel()` before the message id is known; the client sends the cancel once it is. */
  cancelRequested = false;
  private readonly assembler = new GenerationAssembler();
  private readonly spoken = new SpokenAnswer();
  private localEnd: GenerationResult | null = null;
  private resolveEnded!: (r: GenerationResult) => void;

  constructor(readonly requestId: string) {
    super();
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  get state(): GenerationState {
    return this.localEnd?.state ?? this.assembler.status;
  }
  get text(): string {
    return this.assembler.text;
  }
  get reasoning(): string {
    return this.assembler.reasoning;
  }
  /** The last contiguous seq: what `resume` and `Last-Event-ID` send. */
  get lastSeq(): number {
    return this.assembler.lastSeq;
  }
  get finished(): boolean {
    return this.localEnd !== null || this.assembler.finished;
  }

  /** Applies one frame of this generation; returns true when frames before it are missing. */
  push(frame: GenerationFrame): boolean {
    if (this.localEnd) return false;
    if (this.messageId === null && frame.message_id) this.messageId = frame.message_id;
    if (this.conversationId === null && frame.conversation_id) this.conversationId = frame.conversation_id;
    const before = { text: this.text, reasoning: this.reasoning, status: this.assembler.status };
    const { applied, gap } = this.assembler.push(frame);
    for (const f of applied) {
      this.emit('frame', f);
      if (f.type === 'status_update' && f.data?.restart === true) {
        this.spoken.reset();
        this.emit('restart', f);
      }
      if (f.type === 'chat_audio') this.applyAudio(f);
    }
    if (applied.length === 0) return gap;
    if (this.text !== before.text) this.emit('text', this.text);
    if (this.reasoning !== before.reasoning) this.emit('reasoning', this.reasoning);
    if (this.assembler.status !== before.status) this.emit('status', this.assembler.status);
    if (this.assembler.terminal) this.finish(this.resultFromServer());
    return gap;
  }

  private applyAudio(f: ChatAudioFrame): void {
    this.emit('audio', f);
    const sentence = this.spoken.push(f);
    if (sentence) this.emit('sentence', sentence);
  }

  /** Ends the generation for a reason the client found itself (a lost or refused connection). */
  fail(error: GenerationError): void {
    if (this.finished) return;
    this.localEnd = { state: 'error', messageId: this.messageId, text: this.text, reasoning: this.reasoning, error };
    this.emit('status', 'error');
    this.finish(this.localEnd);
  }

  /** Ends the generation as cancelled without a server's word (the SSE fallback cannot cancel). */
  cancelLocally(): void {
    if (this.finished) return;
    this.localEnd = { state: 'cancelled', messageId: this.messageId, text: this.text, reasoning: this.reasoning };
    this.emit('status', 'cancelled');
    this.finish(this.localEnd);
  }

  private resultFromServer(): GenerationResult {
    const terminal = this.assembler.terminal as StatusUpdateFrame;
    const state = terminal.status as GenerationResult['state'];
    const base = { state, messageId: this.messageId, text: this.text, reasoning: this.reasoning };
    if (state === 'done') return { ...base, done: terminal.data as DoneInfo };
    if (state === 'error') {
      const code = (this.assembler.error?.error_code ?? terminal.data?.error_code ?? 'INTERNAL_ERROR') as ErrorCode;
      return { ...base, error: { code, message: this.assembler.error?.message ?? terminal.message } };
    }
    return base;
  }

  private finish(result: GenerationResult): void {
    this.emit(result.state, result);
    this.resolveEnded(result);
  }
}
