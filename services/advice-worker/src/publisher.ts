import {
  chatStreamFrame,
  errorFrame,
  reasoningStreamFrame,
  statusUpdateFrame,
  type ErrorCode,
  type GenerationRef,
  type GenerationStatus,
} from '@aurawell/protocol';
import type { AppendResult, GenerationStore } from '@aurawell/platform';

/**
 * Writes one generation's frames in `seq` order, each with one Redis round trip.
 * Once a write is refused (another attempt took the generation over), it stays silent:
 * a stale attempt can never interleave with or repeat the new one's text.
 */
export class GenerationPublisher {
  private seq: number;
  private lost = false;

  constructor(
    private readonly store: GenerationStore,
    private readonly userId: string,
    private readonly owner: string,
    readonly ref: GenerationRef,
    lastSeq: number,
    /** How long a write keeps retrying while Redis is unreachable (e.g. restarting). */
    private readonly outageToleranceMs = 30000,
  ) {
    this.seq = lastSeq;
  }

  /** True once another attempt owns the generation or it is over. */
  get fenced(): boolean {
    return this.lost;
  }

  get lastSeq(): number {
    return this.seq;
  }

  status(status: GenerationStatus, data: Record<string, unknown> | null = null, message?: string): Promise<boolean> {
    return this.emit((seq) => statusUpdateFrame(this.ref, seq, status, data, message), status);
  }

  content(delta: string): Promise<boolean> {
    return this.emit((seq) => chatStreamFrame(this.ref, seq, delta));
  }

  reasoning(delta: string): Promise<boolean> {
    return this.emit((seq) => reasoningStreamFrame(this.ref, seq, delta));
  }

  /** The `error` frame old clients read, then the terminal `status_update` `error`. */
  async fail(code: ErrorCode, message: string, data: Record<string, unknown> = {}): Promise<boolean> {
    await this.emit((seq) => errorFrame(code, message, { ref: this.ref, seq }));
    return this.status('error', { error_code: code, ...data }, message);
  }

  /**
   * One append, retried while Redis is unreachable. A retry of a write whose reply was lost finds
   * its own seq already there (out of order): that is success, not a takeover.
   */
  private async appendRetrying(a: Parameters<GenerationStore['append']>[0]): Promise<AppendResult> {
    const started = Date.now();
    for (let attempt = 0; ; attempt += 1) {
      try {
        const res = await this.store.append(a);
        if (res !== 'out_of_order' || attempt === 0) return res;
        const meta = await this.store.meta(a.userId, a.messageId);
        return meta && meta.seq >= a.seq && (meta.owner === a.owner || meta.owner === '') ? 'ok' : res;
      } catch (err) {
        if (Date.now() - started > this.outageToleranceMs) throw err;
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }

  private async emit(make: (seq: number) => object, status?: GenerationStatus): Promise<boolean> {
    if (this.lost) return false;
    const seq = this.seq + 1;
    const res = await this.appendRetrying({
      userId: this.userId,
      messageId: this.ref.messageId,
      owner: this.owner,
      seq,
      frame: JSON.stringify(make(seq)),
      status,
    });
    if (res !== 'ok') {
      this.lost = true;
      return false;
    }
    this.seq = seq;
    return true;
  }
}
