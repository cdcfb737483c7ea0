import type { ClientFrame, ErrorFrame, ServerFrame, VoiceTranscriptFrame } from '@aurawell/protocol';
import { Emitter } from './emitter';
import { Generation, type GenerationError } from './generation';

export type UtteranceOptions = {
  /** What the audio chunks are: MediaRecorder's `audio/webm;codecs=opus` → 'webm', Ogg Opus, a WAV file, or raw 16-bit mono PCM. */
  format: 'webm' | 'ogg' | 'wav' | 'pcm16';
  /** pcm16 only; default 16000. */
  sampleRate?: number;
  /** A hint for recognition, e.g. 'zh'. */
  language?: string;
  kind?: 'health' | 'general';
  /** Speak the answer too (`chat_audio`); default: the device's `voiceSettings`. */
  speak?: boolean;
  conversationId?: string;
  activeMemberId?: string;
  context?: Record<string, unknown>;
};

export type UtteranceState = 'open' | 'transcribing' | 'asked' | 'failed' | 'cancelled';

export type UtteranceEvents = {
  /** The transcript so far (`final: false`, while talking) or in full. */
  transcript: { text: string; final: boolean };
  /** The utterance failed (a VOICE_* code, or the connection dropped mid-utterance): nothing was asked. */
  error: GenerationError;
};

/** What an utterance needs from the client: the open socket, and the router for its answer. */
export type UtteranceHooks = {
  /** False when there is no open socket: the audio cannot reach the gateway holding the utterance. */
  sendJson(frame: ClientFrame): boolean;
  sendBinary(bytes: ArrayBufferLike | ArrayBufferView): boolean;
  /** The answer's generation waits for its `sending` (by request id), as a typed chat's does. */
  awaitAnswer(gen: Generation): void;
  done(u: Utterance): void;
};

/**
 * One spoken question: `send` the audio as it is recorded, then `end()`; the transcript arrives as
 * events and the answer as `generation` (a Generation like any chat's: exact text, resume,
 * cancel, and its `chat_audio` frames in seq order). The audio lives only on the gateway this
 * connection reached, so a connection lost mid-utterance fails it (`VOICE_INTERRUPTED`): record again.
 */
export class Utterance extends Emitter<UtteranceEvents> {
  state: UtteranceState = 'open';
  /** The answer; it starts once the transcript is asked (its `sending` arrives after `end()`). */
  readonly generation: Generation;

  constructor(
    readonly id: string,
    opts: UtteranceOptions,
    private readonly hooks: UtteranceHooks,
  ) {
    super();
    this.generation = new Generation(id);
    const data = {
      format: opts.format,
      ...(opts.sampleRate ? { sample_rate: opts.sampleRate } : {}),
      ...(opts.language ? { language: opts.language } : {}),
      ...(opts.kind ? { kind: opts.kind } : {}),
      ...(opts.speak !== undefined ? { speak: opts.speak } : {}),
      ...(opts.context ? { context: opts.context } : {}),
    };
    const frame = { type: 'voice_start', data, request_id: id, conversation_id: opts.conversationId, active_member_id: opts.activeMemberId } as ClientFrame;
    if (!hooks.sendJson(frame)) this.fail({ code: 'CONNECTION_LOST', message: 'not connected: a spoken question needs the WebSocket' });
  }

  /** The next chunk of audio (in recording order). */
  send(chunk: ArrayBufferLike | ArrayBufferView): void {
    if (this.state !== 'open') return;
    if (!this.hooks.sendBinary(chunk)) this.interrupted();
  }

  /** The person stopped talking: the audio is transcribed and asked; resolves to the answer. */
  end(): Generation {
    if (this.state !== 'open') return this.generation;
    if (!this.hooks.sendJson({ type: 'voice_end', request_id: this.id } as ClientFrame)) {
      this.interrupted();
      return this.generation;
    }
    this.state = 'transcribing';
    this.hooks.awaitAnswer(this.generation);
    return this.generation;
  }

  cancel(): void {
    if (this.state !== 'open') return;
    this.hooks.sendJson({ type: 'voice_cancel', request_id: this.id } as ClientFrame);
    this.state = 'cancelled';
    this.generation.cancelLocally();
    this.hooks.done(this);
  }

  /** A `voice_transcript` of this utterance. */
  transcript(frame: VoiceTranscriptFrame): void {
    this.emit('transcript', { text: frame.text, final: frame.final });
    if (frame.final) {
      this.state = 'asked';
      this.hooks.done(this);
    }
  }

  /** An `error` naming this utterance (a VOICE_* code): nothing was asked. */
  refused(frame: ErrorFrame): void {
    this.fail({ code: frame.error_code, message: frame.message });
  }

  /** The socket dropped: an open utterance is lost with its gateway's memory. */
  interrupted(): void {
    if (this.state === 'open') this.fail({ code: 'VOICE_INTERRUPTED', message: 'the connection dropped mid-utterance; nothing was asked' });
  }

  private fail(error: GenerationError): void {
    if (this.state === 'failed' || this.state === 'asked' || this.state === 'cancelled') return;
    this.state = 'failed';
    this.emit('error', error);
    this.generation.fail(error);
    this.hooks.done(this);
  }
}

/** A client's utterances not yet asked (nor failed, nor cancelled), by id: the frames that name one go to it. */
export class OpenUtterances {
  private readonly byId = new Map<string, Utterance>();

  /** Starts one; it leaves this set once asked, failed or cancelled. */
  start(id: string, opts: UtteranceOptions, hooks: Omit<UtteranceHooks, 'done'>): Utterance {
    const u = new Utterance(id, opts, { ...hooks, done: (done) => this.byId.delete(done.id) });
    if (u.state === 'open') this.byId.set(id, u);
    return u;
  }

  /** The connection dropped: each open one fails (its audio was on that gateway). */
  interruptAll(): void {
    for (const u of [...this.byId.values()]) u.interrupted();
  }

  /** Hands `frame` to the utterance it names; false when it names none. */
  route(frame: ServerFrame): boolean {
    if (frame.type === 'voice_transcript') {
      this.byId.get(frame.utterance_id)?.transcript(frame);
      return true;
    }
    const u = frame.type === 'error' && frame.request_id !== undefined ? this.byId.get(frame.request_id) : undefined;
    u?.refused(frame as ErrorFrame);
    return u !== undefined;
  }
}
