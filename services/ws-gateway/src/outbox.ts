/**
 * The outgoing side of one client socket, with the contract's two caps for a slow client:
 *
 * - Below the soft cap (unsent bytes in the socket) every frame is sent at once, byte for byte.
 * - Above it, frames wait here, in order. A `chat_stream` (or `reasoning_stream`) frame whose
 *   generation's last waiting frame is of the same type and has the previous seq is merged into
 *   it: one frame whose `delta` is the concatenation, whose `seq` is the LAST merged seq and whose
 *   `seq_from` is the first. Seq is never renumbered (every device and `resume` share it), so a
 *   client sees `seq_from` = its last seq + 1 and keeps `seq` as `last_seq` for a later resume.
 *   Status frames and every other frame are never merged and keep their place.
 * - When unsent plus waiting bytes pass the hard cap, the waiting frames are dropped and the
 *   owner closes the socket with 1013; the client reconnects and resumes from its last seq.
 *
 * Waiting frames go out when the socket drains: each send's completion callback pumps the queue,
 * and a slow poll covers bytes written by others (pings, the close frame).
 */

/** The part of a `ws` WebSocket the outbox uses. */
export type OutboundSocket = {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string, cb: (err?: Error) => void): void;
};

export type OutboxOptions = {
  softCapBytes: number;
  hardCapBytes: number;
  /** A frame was merged into a waiting one. */
  onMerge?: () => void;
  /** The hard cap was passed; the owner closes the socket. */
  onOverflow: () => void;
  /** Fallback poll while frames wait. */
  pollMs?: number;
};

/** A generation frame's routing fields (a platform `BusFrame` fits). */
export type GenerationRef = { messageId: string; seq: number };

type Merged = { last: Record<string, unknown>; deltas: string[]; seqFrom: number; seq: number; type: string };
type Entry = { raw: string; bytes: number; messageId?: string; merged?: Merged };

const OPEN = 1;
const MERGEABLE = new Set(['chat_stream', 'reasoning_stream']);

/** A waiting stream frame, parsed so that later deltas can join it; anything else stays as bytes. */
const toEntry = (raw: string, ref: GenerationRef | undefined): Entry => {
  const entry: Entry = { raw, bytes: Buffer.byteLength(raw), ...(ref ? { messageId: ref.messageId } : {}) };
  if (!ref) return entry;
  const frame = JSON.parse(raw) as Record<string, unknown>;
  if (MERGEABLE.has(String(frame.type)) && typeof frame.delta === 'string') {
    entry.merged = { last: frame, deltas: [frame.delta], seqFrom: ref.seq, seq: ref.seq, type: String(frame.type) };
  }
  return entry;
};

/** The bytes of a waiting entry: unchanged unless something was merged into it. */
const serialize = (e: Entry): string => {
  const m = e.merged;
  if (!m || m.deltas.length === 1) return e.raw;
  return JSON.stringify({ ...m.last, delta: m.deltas.join(''), seq: m.seq, seq_from: m.seqFrom });
};

export class Outbox {
  private readonly queue: Entry[] = [];
  /** The last waiting entry of each generation: the only one a later delta may join. */
  private readonly tails = new Map<string, Entry>();
  private queuedBytes = 0;
  private overflowed = false;
  private poll: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: OutboundSocket,
    private readonly opts: OutboxOptions,
  ) {}

  /** Unsent bytes: in the socket and waiting here. */
  get backlogBytes(): number {
    return this.socket.bufferedAmount + this.queuedBytes;
  }

  get waiting(): number {
    return this.queue.length;
  }

  /** Sends `raw` now, or queues (and possibly merges) it behind what waits; `ref` marks a generation frame. */
  push(raw: string, ref?: GenerationRef): void {
    if (this.overflowed || this.socket.readyState !== OPEN) return;
    if (this.backlogBytes > this.opts.hardCapBytes) return this.overflow();
    const underSoftCap = this.socket.bufferedAmount <= this.opts.softCapBytes;
    if (this.queue.length === 0 && underSoftCap) return this.write(raw);
    if (!ref || !this.mergeIntoTail(raw, ref)) this.enqueue(toEntry(raw, ref));
    if (underSoftCap) this.pump();
    else this.schedulePoll();
  }

  /** Drops everything waiting (the socket is closing). */
  clear(): void {
    this.queue.length = 0;
    this.tails.clear();
    this.queuedBytes = 0;
    if (this.poll) clearTimeout(this.poll);
    this.poll = null;
  }

  private enqueue(entry: Entry): void {
    this.queue.push(entry);
    this.queuedBytes += entry.bytes;
    if (entry.messageId !== undefined) this.tails.set(entry.messageId, entry);
  }

  private mergeIntoTail(raw: string, ref: GenerationRef): boolean {
    const tail = this.tails.get(ref.messageId);
    const m = tail?.merged;
    if (!tail || !m || m.seq + 1 !== ref.seq) return false;
    const frame = JSON.parse(raw) as Record<string, unknown>;
    if (frame.type !== m.type || typeof frame.delta !== 'string') return false;
    m.deltas.push(frame.delta);
    m.seq = ref.seq;
    m.last = frame;
    const added = Buffer.byteLength(frame.delta);
    tail.bytes += added;
    this.queuedBytes += added;
    this.opts.onMerge?.();
    return true;
  }

  private write(raw: string): void {
    this.socket.send(raw, () => this.pump());
  }

  /** Sends waiting entries, oldest first, while the socket stays under the soft cap. */
  private pump(): void {
    if (this.socket.readyState !== OPEN) return this.clear();
    while (this.queue.length > 0 && this.socket.bufferedAmount <= this.opts.softCapBytes) {
      const entry = this.queue.shift() as Entry;
      this.queuedBytes -= entry.bytes;
      if (entry.messageId !== undefined && this.tails.get(entry.messageId) === entry) this.tails.delete(entry.messageId);
      this.write(serialize(entry));
    }
    if (this.queue.length > 0) this.schedulePoll();
  }

  private overflow(): void {
    this.overflowed = true;
    this.clear();
    this.opts.onOverflow();
  }

  private schedulePoll(): void {
    if (this.poll) return;
    this.poll = setTimeout(() => {
      this.poll = null;
      this.pump();
    }, this.opts.pollMs ?? 200);
    this.poll.unref();
  }
}
