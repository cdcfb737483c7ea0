import {
  chatAudioFrame,
  chatStreamFrame,
  errorFrame,
  reasoningStreamFrame,
  statusUpdateFrame,
  type ChatAudioFrame,
  type ErrorCode,
  type GenerationRef,
  type GenerationStatus,
  type Usage,
} from '@aurawell/protocol';
import { isTerminalStatus } from '@aurawell/protocol';
import type { AppendResult, GenerationStore } from './store';

/** Text of the restart notice (the default locale is Chinese, as every status text). */
export const RESTART_TEXT = '处理回复的服务已重启，正在重新生成回复...';

const codePoints = (s: string): number => [...s].length;

/** A frame as written: a failover may make it necessary to write it again. */
type Written = { frame: string; status?: GenerationStatus };

/** A frame handed over and not yet written, with whoever waits for it. */
type Pending = { frame: string; status?: GenerationStatus; resolve: (ok: boolean) => void; reject: (err: unknown) => void };

/** Failover repairs of one write before its refusal stands (each needs the hole to reappear: a second failover). */
const MAX_REPAIRS = 3;

/** At most this many frames go in one write when they queued up (a stalled process catching up). */
const MAX_BATCH = 64;

/**
 * Writes one generation's frames in `seq` order. One write (one script call, one round trip) is
 * under way at a time; frames handed over meanwhile queue and go together in the next write, so a
 * generation that fell behind catches up in one round trip instead of one per frame. Each frame
 * is still its own frame, stored and published with its own seq.
 * Once a write is refused (another attempt took the generation over), it stays silent:
 * a stale attempt can never interleave with or repeat the new one's text.
 */
export class GenerationPublisher {
  /** The last seq written. */
  private seq: number;
  /** The last seq given to a frame (written or queued). */
  private next: number;
  private lost = false;
  private failure: unknown = null;
  private readonly queue: Pending[] = [];
  /** Every frame this attempt wrote, from seq `firstSeq` on (the answer's frames: bounded by it). */
  private readonly written: Written[] = [];
  private readonly firstSeq: number;
  /** Frames written a second time because a failover had lost them. */
  rewritten = 0;
  /** True while `pump` runs; `pumped` settles when it stops. */
  private writing = false;
  private pumped: Promise<void> = Promise.resolve();

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
    this.next = lastSeq;
    this.firstSeq = lastSeq + 1;
  }

  /** True once another attempt owns the generation or it is over. */
  get fenced(): boolean {
    return this.lost;
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Why writing stopped if Redis stayed unreachable past the tolerance; null otherwise. */
  get writeError(): unknown {
    return this.failure;
  }

  /**
   * `streaming`. When an earlier attempt already streamed (its worker died and this one took the
   * job over), the status says so with `data.restart`: clients drop the deltas they have of this
   * message and show the new answer from here; `full_response` is this attempt's text alone.
   */
  streaming(restarted: boolean): Promise<boolean> {
    return restarted ? this.status('streaming', { restart: true, reason: 'worker_restarted' }, RESTART_TEXT) : this.status('streaming');
  }

  /** The terminal `done` with the whole answer (every frame resolves before it). */
  done(answer: { text: string; usage: Usage | null; finishReason: string | null }): Promise<boolean> {
    return this.status('done', {
      full_response: answer.text,
      conversation_id: this.ref.conversationId,
      message_id: this.ref.messageId,
      response_length: codePoints(answer.text),
      usage: answer.usage,
      finish_reason: answer.finishReason,
    });
  }

  /** The terminal `cancelled`, with what was answered until the user stopped it. */
  cancelled(partial: string): Promise<boolean> {
    return this.status('cancelled', { partial_response: partial, response_length: codePoints(partial) });
  }

  /** Queues a token frame; a refused or failed write shows in `fenced`, `writeError` and `drain()`. */
  content(delta: string): void {
    this.emit((seq) => chatStreamFrame(this.ref, seq, delta)).catch(() => undefined);
  }

  reasoning(delta: string): void {
    this.emit((seq) => reasoningStreamFrame(this.ref, seq, delta)).catch(() => undefined);
  }

  /** Queues a piece of the spoken answer, in seq order with the text around it (resolves once written). */
  audio(part: Omit<ChatAudioFrame, 'type' | 'conversation_id' | 'message_id' | 'seq' | 'timestamp'>): Promise<boolean> {
    return this.emit((seq) => chatAudioFrame(this.ref, seq, part));
  }

  /** The `error` frame old clients read, then the terminal `status_update` `error` with the partial answer. */
  async fail(code: ErrorCode, message: string, partial: string): Promise<boolean> {
    await this.emit((seq) => errorFrame(code, message, { ref: this.ref, seq }));
    return this.status('error', { error_code: code, partial_response: partial }, message);
  }

  /** Resolves once this status frame and every frame before it are written (false: fenced). */
  private status(status: GenerationStatus, data: Record<string, unknown> | null = null, message?: string): Promise<boolean> {
    return this.emit((seq) => statusUpdateFrame(this.ref, seq, status, data, message), status);
  }

  /** Waits until every frame handed over so far is written: true, or false once fenced; throws if Redis stayed unreachable. */
  async drain(): Promise<boolean> {
    while (this.writing) await this.pumped;
    if (this.failure !== null) throw this.failure;
    return !this.lost;
  }

  private emit(make: (seq: number) => object, status?: GenerationStatus): Promise<boolean> {
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.lost) return Promise.resolve(false);
    this.next += 1;
    const frame = JSON.stringify(make(this.next));
    return new Promise((resolve, reject) => {
      this.queue.push({ frame, status, resolve, reject });
      if (!this.writing) {
        this.writing = true;
        this.pumped = this.pump();
      }
    });
  }

  /** Writes the queue, oldest first, a batch per round trip, until it is empty. */
  private async pump(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.takeBatch();
      let res: AppendResult;
      try {
        res = this.lost ? 'fenced' : await this.appendRetrying(batch);
      } catch (err) {
        this.failure = err;
        for (const p of [...batch, ...this.queue.splice(0)]) p.reject(err);
        break;
      }
      if (res === 'ok') {
        this.seq += batch.length;
        for (const p of batch) this.written.push({ frame: p.frame, status: p.status });
        if (isTerminalStatus(batch[batch.length - 1]!.status)) await this.store.settle(this.userId, this.ref.messageId).catch(() => null);
      } else this.lost = true;
      for (const p of batch) p.resolve(res === 'ok');
    }
    this.writing = false;
  }

  /** The next frames to write together: up to MAX_BATCH, ending at the first status frame (a status belongs to the last frame of a write). */
  private takeBatch(): Pending[] {
    let n = 0;
    while (n < this.queue.length && n < MAX_BATCH) {
      n += 1;
      if (this.queue[n - 1]!.status !== undefined) break;
    }
    return this.queue.splice(0, n);
  }

  /**
   * One write, retried while Redis is unreachable. A write refused as out of order or fenced is
   * looked into (`reconcile`): it may be its own earlier try, or a hole a failover left.
   */
  private async appendRetrying(batch: Pending[]): Promise<AppendResult> {
    const a = { userId: this.userId, messageId: this.ref.messageId, owner: this.owner, seq: this.seq + 1, frame: batch.map((p) => p.frame), status: batch[batch.length - 1]!.status };
    const started = Date.now();
    for (let attempt = 0, repairs = 0; ; attempt += 1) {
      try {
        const res = await this.store.append(a);
        if (res === 'ok') return res;
        const next = repairs < MAX_REPAIRS ? await this.reconcile(res, a.seq, a.seq + batch.length - 1) : res;
        if (next !== 'again') return next;
        repairs += 1;
      } catch (err) {
        if (Date.now() - started > this.outageToleranceMs) throw err;
        await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** attempt)));
      }
    }
  }

  /**
   * Why frames `first`..`last` were refused. 'ok': a retry whose first try was written (its reply
   * lost). 'again': a primary died before replicating what it had acknowledged, so the promoted
   * replica lacks the last frames (and maybe this attempt's claim): they are written again from
   * `written` (subscribers drop what they already had by seq), then the batch is retried.
   * Anything else: another attempt owns the generation, or it is over: the refusal stands.
   */
  private async reconcile(res: AppendResult, first: number, last: number): Promise<AppendResult | 'again'> {
    const meta = await this.store.meta(this.userId, this.ref.messageId);
    if (!meta) return res;
    if (meta.seq >= last && (meta.owner === this.owner || meta.owner === '')) return 'ok';
    if (isTerminalStatus(meta.status) || meta.seq < this.firstSeq - 1 || meta.seq >= first) return res;
    if (meta.owner === 'queued') {
      // The claim itself was lost: nobody else claimed since (a takeover would own it now).
      if ((await this.store.claim(this.userId, this.ref.messageId, this.owner, 'queued')) === null) return res;
    } else if (meta.owner !== this.owner) return res;
    for (let seq = meta.seq + 1; seq < first; seq += 1) {
      const w = this.written[seq - this.firstSeq]!;
      const r = await this.store.append({ userId: this.userId, messageId: this.ref.messageId, owner: this.owner, seq, frame: [w.frame], status: w.status });
      if (r !== 'ok') return r;
      this.rewritten += 1;
    }
    return 'again';
  }
}
