import {
  chatStreamFrame,
  errorFrame,
  reasoningStreamFrame,
  statusUpdateFrame,
  type ErrorCode,
  type GenerationRef,
  type GenerationStatus,
} from '@aurawell/protocol';
import type { GenerationStore } from '@aurawell/platform';

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

  private async emit(make: (seq: number) => object, status?: GenerationStatus): Promise<boolean> {
    if (this.lost) return false;
    const seq = this.seq + 1;
    const res = await this.store.append({
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
