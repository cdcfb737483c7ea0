import { randomUUID } from 'node:crypto';
import { errorFrame, voiceTranscriptFrame, type ChatFrame, type ClientFrame, type ErrorCode, type VoiceTranscriptFrame } from '@aurawell/protocol';
import type { Logger } from '@aurawell/platform';
import { isSilentPcm16, matchesDeclaredFormat, VoiceProviderError, type Transcriber } from '@aurawell/voice';
import type { ClientConnection } from './connection';
import type { GatewayMetrics } from './metrics';

type VoiceStart = Extract<ClientFrame, { type: 'voice_start' }>;

export type VoiceLimits = { maxUtteranceMs: number; maxUtteranceBytes: number; partialIntervalMs: number; transcribeTimeoutMs: number };

export type VoiceDeps = {
  /** Null: this gateway has no recognizer (voice_start is refused with VOICE_UNAVAILABLE). */
  transcriber: Transcriber | null;
  voiceLimits: VoiceLimits;
  logger: Logger;
  metrics: GatewayMetrics;
  /** To every device of the user (the speaker's included). */
  publishTranscript: (userId: string, frame: VoiceTranscriptFrame) => Promise<unknown>;
  /** Asks the transcript as the utterance's question; the generation's ids, or null when refused (the refusal was sent). */
  ask: (conn: ClientConnection, frame: ChatFrame) => Promise<{ messageId: string; conversationId: string } | null>;
};

/** One open utterance: its audio so far, in memory on this gateway only (bounded by the limits). */
type Utterance = {
  id: string;
  start: VoiceStart;
  chunks: Buffer[];
  bytes: number;
  /** Bytes the last partial transcription covered. */
  partialBytes: number;
  partialRunning: boolean;
  timers: NodeJS.Timeout[];
  /** Ends the partial transcriptions (at `voice_end`, `voice_cancel`, a failure or the connection's close). */
  abort: AbortController;
};

/**
 * Speech in. A connection opens one utterance at a time (`voice_start`), streams its audio as
 * binary frames and closes it (`voice_end`); while it talks, partial transcripts go to the user's
 * devices now and then; at the end the final transcript is asked as a question through the normal
 * chat path, unless the connection closes or sends `voice_cancel` first (the recognizer's request
 * is then aborted). The audio lives only here: a gateway that dies mid-utterance takes it along
 * and no half question is ever asked (the client sees its connection drop and says so).
 */
export class VoiceInput {
  private readonly open = new Map<ClientConnection, Utterance>();
  /** Final transcriptions under way, per connection: aborted when it closes or sends `voice_cancel`. */
  private readonly finals = new Map<ClientConnection, Set<AbortController>>();

  constructor(private readonly deps: VoiceDeps) {}

  get openUtterances(): number {
    return this.open.size;
  }

  start(conn: ClientConnection, frame: VoiceStart): void {
    if (this.open.has(conn)) return this.refuse(conn, 'VOICE_ALREADY_STARTED', '已有一段语音正在进行', frame.request_id);
    if (!this.deps.transcriber) return this.refuse(conn, 'VOICE_UNAVAILABLE', '语音识别暂不可用', frame.request_id);
    const { maxUtteranceMs, partialIntervalMs } = this.deps.voiceLimits;
    const u: Utterance = { id: frame.request_id ?? randomUUID(), start: frame, chunks: [], bytes: 0, partialBytes: 0, partialRunning: false, timers: [], abort: new AbortController() };
    u.timers.push(setTimeout(() => this.fail(conn, u, 'VOICE_TOO_LONG', `语音超过 ${Math.round(maxUtteranceMs / 1000)} 秒`), maxUtteranceMs));
    if (partialIntervalMs > 0) u.timers.push(setInterval(() => this.partial(conn, u), partialIntervalMs));
    this.open.set(conn, u);
    this.deps.metrics.voiceUtterances.inc({ outcome: 'started' });
  }

  /** A binary frame: audio of the open utterance. */
  audio(conn: ClientConnection, bytes: Buffer): void {
    const u = this.open.get(conn);
    if (!u) return this.refuse(conn, 'VOICE_NOT_STARTED', '请先发送 voice_start 再发送音频', undefined);
    const format = u.start.data.format;
    if (u.chunks.length === 0 && !matchesDeclaredFormat(format, bytes)) return this.fail(conn, u, 'VOICE_BAD_FORMAT', `音频不是声明的 ${format} 格式`);
    if (u.bytes + bytes.length > this.deps.voiceLimits.maxUtteranceBytes) return this.fail(conn, u, 'VOICE_TOO_LARGE', '语音数据过大');
    u.chunks.push(bytes);
    u.bytes += bytes.length;
    this.deps.metrics.asrAudioBytes.inc(bytes.length);
  }

  /** `voice_end`: transcribes and asks, without holding up the connection's other frames. */
  end(conn: ClientConnection, requestId: string | undefined): void {
    const u = this.open.get(conn);
    if (!u) return this.refuse(conn, 'VOICE_NOT_STARTED', '没有正在进行的语音', requestId);
    this.close(conn, u);
    const audio = Buffer.concat(u.chunks);
    const format = u.start.data.format;
    if (audio.length === 0 || (format === 'pcm16' && isSilentPcm16(audio))) return this.failed(conn, u, 'VOICE_SILENT', '没有听到说话');
    if (format === 'pcm16' && audio.length % 2 !== 0) return this.failed(conn, u, 'VOICE_BAD_FORMAT', 'PCM16 音频长度必须为偶数字节');
    const final = this.trackFinal(conn);
    void this.finish(conn, u, audio, final.signal)
      .catch((err: unknown) => {
        this.deps.logger.error({ err, connectionId: conn.id }, 'utterance handling failed');
        this.failed(conn, u, 'VOICE_UNAVAILABLE', '语音处理失败，请重试');
      })
      .finally(() => this.untrackFinal(conn, final));
  }

  /**
   * `voice_cancel`, or the connection closed: the open utterance is dropped, and so is a final
   * transcription still under way (its provider request is aborted); nothing is asked.
   */
  cancel(conn: ClientConnection): void {
    const finals = this.finals.get(conn);
    this.finals.delete(conn);
    finals?.forEach((final) => final.abort());
    const u = this.open.get(conn);
    if (!u) return;
    this.close(conn, u);
    this.deps.metrics.voiceUtterances.inc({ outcome: 'cancelled' });
  }

  private close(conn: ClientConnection, u: Utterance): void {
    this.open.delete(conn);
    u.timers.forEach((t) => clearTimeout(t));
    u.abort.abort();
  }

  private trackFinal(conn: ClientConnection): AbortController {
    const final = new AbortController();
    const finals = this.finals.get(conn) ?? new Set<AbortController>();
    this.finals.set(conn, finals.add(final));
    return final;
  }

  private untrackFinal(conn: ClientConnection, final: AbortController): void {
    const finals = this.finals.get(conn);
    if (finals?.delete(final) && finals.size === 0) this.finals.delete(conn);
  }

  /** The final transcript, asked as the question; `signal`: the connection closed or the utterance was cancelled meanwhile. */
  private async finish(conn: ClientConnection, u: Utterance, audio: Buffer, signal: AbortSignal): Promise<void> {
    const started = performance.now();
    const text = await this.transcribe(u, audio, signal);
    if (signal.aborted) {
      this.deps.logger.debug({ utteranceId: u.id, connectionId: conn.id }, 'final transcription aborted; nothing asked');
      return void this.deps.metrics.voiceUtterances.inc({ outcome: 'cancelled' });
    }
    this.deps.metrics.asrDuration.observe((performance.now() - started) / 1000);
    if (text === null) return this.failed(conn, u, 'VOICE_UNAVAILABLE', '语音识别暂不可用，请重试');
    if (text === 'undecodable') return this.failed(conn, u, 'VOICE_UNDECODABLE', '无法识别该音频');
    if (text.trim() === '') return this.failed(conn, u, 'VOICE_SILENT', '没有听到说话');
    const { kind, speak, context } = u.start.data;
    const question: ChatFrame = {
      type: kind === 'general' ? 'general_chat' : 'health_chat',
      data: { message: text.trim(), ...(context ? { context } : {}), ...(speak !== undefined ? { speak } : {}) },
      conversation_id: u.start.conversation_id,
      active_member_id: u.start.active_member_id,
      request_id: u.id,
    };
    const ref = await this.deps.ask(conn, question);
    this.deps.metrics.voiceUtterances.inc({ outcome: ref ? 'asked' : 'refused' });
    await this.publish(conn, u, text.trim(), true, ref);
  }

  /** The transcript, or null when the provider failed, or 'undecodable'. */
  private async transcribe(u: Utterance, audio: Buffer, signal: AbortSignal, onPartial?: (t: string) => void): Promise<string | null | 'undecodable'> {
    const { language, format, sample_rate: pcmSampleRate } = u.start.data;
    try {
      return await this.deps.transcriber!.transcribe(audio, format, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.deps.voiceLimits.transcribeTimeoutMs)]),
        ...(language ? { language } : {}),
        ...(pcmSampleRate ? { pcmSampleRate } : {}),
        ...(onPartial ? { onPartial } : {}),
      });
    } catch (err) {
      if (err instanceof VoiceProviderError && err.code === 'audio_undecodable') return 'undecodable';
      if (!signal.aborted) this.deps.logger.warn({ err, utteranceId: u.id }, 'transcription failed');
      return null;
    }
  }

  /** While the person talks: the audio so far, transcribed again when more came (one pass at a time). */
  private partial(conn: ClientConnection, u: Utterance): void {
    if (u.partialRunning || u.bytes === u.partialBytes || u.bytes === 0) return;
    u.partialRunning = true;
    u.partialBytes = u.bytes;
    void this.transcribe(u, Buffer.concat(u.chunks), u.abort.signal)
      .then((text) => (typeof text === 'string' && text !== 'undecodable' && text.trim() !== '' && !u.abort.signal.aborted ? this.publish(conn, u, text.trim(), false, null) : undefined))
      .finally(() => void (u.partialRunning = false));
  }

  private publish(conn: ClientConnection, u: Utterance, text: string, final: boolean, ref: { messageId: string; conversationId: string } | null): Promise<unknown> {
    const frame = voiceTranscriptFrame({
      utterance_id: u.id,
      request_id: u.start.request_id ?? null,
      text,
      final,
      message_id: ref?.messageId ?? null,
      conversation_id: ref?.conversationId ?? null,
      origin_connection_id: conn.id,
    });
    return this.deps.publishTranscript(conn.userId, frame).catch((err: Error) => {
      this.deps.logger.warn({ err, utteranceId: u.id }, 'transcript not published');
      if (final) conn.send(frame); // the speaker at least sees what was asked
    });
  }

  /** Ends an open utterance with an error. */
  private fail(conn: ClientConnection, u: Utterance, code: ErrorCode, message: string): void {
    this.close(conn, u);
    this.failed(conn, u, code, message);
  }

  private failed(conn: ClientConnection, u: Utterance, code: ErrorCode, message: string): void {
    this.deps.metrics.asrErrors.inc({ code });
    this.deps.metrics.voiceUtterances.inc({ outcome: 'failed' });
    this.refuse(conn, code, message, u.id);
  }

  private refuse(conn: ClientConnection, code: ErrorCode, message: string, requestId: string | undefined): void {
    this.deps.metrics.rejected.inc({ code });
    if (conn.open) conn.send(errorFrame(code, message, { requestId }));
  }
}
