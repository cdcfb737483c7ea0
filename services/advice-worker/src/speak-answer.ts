import { CHAT_AUDIO_CHUNK_BYTES, type ChatAudioFrame } from '@aurawell/protocol';
import { SentenceChunker, type SpeechEngine, type SpeechSpan } from '@aurawell/voice';
import type { Logger } from '@aurawell/platform';
import type { WorkerMetrics } from './metrics';

/** Where the spoken answer's frames go (the generation's publisher, in seq order with the text). */
export type AudioSink = { audio(part: Omit<ChatAudioFrame, 'type' | 'conversation_id' | 'message_id' | 'seq' | 'timestamp'>): Promise<boolean> };

export type SpeechMetrics = Pick<WorkerMetrics, 'ttsFirstAudio' | 'ttsAudioBytes' | 'ttsSentences'>;

/**
 * Speaks an answer sentence by sentence while its text streams: each completed sentence goes to
 * the engine (one at a time, in order), and its audio goes out as `chat_audio` frames of at most
 * CHAT_AUDIO_CHUNK_BYTES, so a text frame never waits behind much audio. The text never waits for
 * speech at all: `text()` only queues. A failed sentence ends with `error_code` and the rest of the
 * answer is not spoken; `cancel()` aborts the engine's request upstream.
 */
export class AnswerSpeaker {
  private readonly chunker = new SentenceChunker();
  private readonly abort = new AbortController();
  private chain: Promise<void> = Promise.resolve();
  private failedAt: 'TTS_FAILED' | 'TTS_TIMEOUT' | null = null;

  constructor(
    private readonly engine: SpeechEngine,
    private readonly sink: AudioSink,
    private readonly deps: { logger: Logger; metrics: SpeechMetrics },
  ) {}

  /** A text delta of the answer (in order). */
  text(delta: string): void {
    for (const span of this.chunker.push(delta)) this.enqueue(span);
  }

  /**
   * The text is complete: the last sentence is spoken, then resolves once every audio frame is
   * queued. Past `tailMs` the sentence under way is cut with TTS_TIMEOUT (the terminal status
   * must not wait for speech forever).
   */
  async finish(tailMs: number): Promise<void> {
    for (const span of this.chunker.flush()) this.enqueue(span);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), tailMs)));
    const outcome = await Promise.race([this.chain.then(() => 'spoken' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') {
      this.failedAt ??= 'TTS_TIMEOUT';
      this.abort.abort();
      await this.chain;
    }
  }

  /** The answer was cancelled or failed: stop the engine, say nothing more. */
  cancel(): void {
    this.failedAt ??= 'TTS_FAILED';
    this.abort.abort();
  }

  private enqueue(span: SpeechSpan): void {
    const textEndedAt = performance.now();
    this.chain = this.chain.then(() => (this.failedAt ? undefined : this.speak(span, textEndedAt)));
  }

  /** One sentence: the engine's bytes in frames of at most CHAT_AUDIO_CHUNK_BYTES, the last one `final`. */
  private async speak(span: SpeechSpan, textEndedAt: number): Promise<void> {
    const base = { sentence: span.index, text_start: span.start, text_end: span.end, format: this.engine.format, engine: this.engine.name };
    let chunk = 0;
    let pending: Buffer = Buffer.alloc(0);
    const send = (bytes: Buffer, final: boolean, errorCode?: 'TTS_FAILED' | 'TTS_TIMEOUT') =>
      this.sink.audio({ ...base, chunk: chunk++, final, audio: bytes.toString('base64'), ...(errorCode ? { error_code: errorCode } : {}) });
    try {
      for await (const piece of this.engine.synthesize(span.speakable, this.abort.signal)) {
        if (chunk === 0 && pending.length === 0) this.deps.metrics.ttsFirstAudio.observe((performance.now() - textEndedAt) / 1000);
        this.deps.metrics.ttsAudioBytes.inc(piece.length);
        pending = pending.length === 0 ? piece : Buffer.concat([pending, piece]);
        while (pending.length > CHAT_AUDIO_CHUNK_BYTES) {
          void send(pending.subarray(0, CHAT_AUDIO_CHUNK_BYTES), false);
          pending = pending.subarray(CHAT_AUDIO_CHUNK_BYTES);
        }
      }
      if (this.abort.signal.aborted) throw new Error('speech aborted');
      await send(pending, true);
      this.deps.metrics.ttsSentences.inc({ outcome: 'spoken' });
    } catch (err) {
      const code = this.failedAt ?? 'TTS_FAILED';
      this.failedAt = code;
      if (this.abort.signal.aborted && code === 'TTS_FAILED') return; // cancelled: no more frames at all
      this.deps.metrics.ttsSentences.inc({ outcome: code });
      this.deps.logger.warn({ err, engine: this.engine.name, sentence: span.index, code }, 'speech failed; the answer goes on as text');
      await send(Buffer.alloc(0), true, code);
    }
  }
}
