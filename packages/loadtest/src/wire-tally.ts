import { isTerminalStatus } from '@aurawell/protocol';

/** The fields of a server frame the wire accounting reads (a structural subset of the protocol's frames). */
export type WireFrame = {
  type: string;
  status?: string;
  seq?: number;
  seq_from?: number;
  delta?: string;
  message_id?: string | null;
  data?: Record<string, unknown> | null;
};

/** One `chat_stream` frame as first received: the seqs it stands for (a merged frame: several), its text, its arrival. */
type TokenSpan = { from: number; to: number; text: string; at: number };


/**
 * What one generation looked like on the wire: every frame as received on any connection,
 * duplicates and replays included — the client SDK dedupes and orders, this counts what it had to
 * repair. Pure (the caller passes arrival times), so the rules are unit-tested.
 *
 * - duplicated: a frame all of whose seqs had arrived already;
 * - reordered: a frame bringing new seqs after a higher seq had arrived (it came late);
 * - lost: seqs up to the terminal frame's that never arrived at all.
 */
export class WireTally {
  duplicated = 0;
  reordered = 0;
  terminalSeq: number | null = null;
  private readonly seen = new Set<number>();
  private maxSeq = 0;
  /** Seq of the last `streaming` restart notice (a worker took over): tokens before it are void. */
  private restartSeq = 0;
  private readonly spans: TokenSpan[] = [];

  /** Takes one frame of this generation; returns whether it brought any seq not seen before. */
  push(f: WireFrame, at: number): boolean {
    if (f.seq === undefined) return false;
    const from = f.seq_from ?? f.seq;
    let fresh = 0;
    for (let s = from; s <= f.seq; s += 1) if (!this.seen.has(s)) fresh += 1;
    if (fresh === 0) {
      this.duplicated += 1;
      return false;
    }
    if (from < this.maxSeq) this.reordered += 1;
    for (let s = from; s <= f.seq; s += 1) this.seen.add(s);
    this.maxSeq = Math.max(this.maxSeq, f.seq);
    if (f.type === 'chat_stream') this.spans.push({ from, to: f.seq, text: f.delta ?? '', at });
    if (f.type === 'status_update' && f.status === 'streaming' && f.data?.restart === true) this.restartSeq = Math.max(this.restartSeq, f.seq);
    if (f.type === 'status_update' && isTerminalStatus(f.status)) this.terminalSeq = f.seq;
    return true;
  }

  /** Seqs 1..terminal that never arrived (0 while no terminal frame with a seq arrived). */
  get lostSeqs(): number {
    if (this.terminalSeq === null) return 0;
    let lost = 0;
    for (let s = 1; s <= this.terminalSeq; s += 1) if (!this.seen.has(s)) lost += 1;
    return lost;
  }

  private current(): TokenSpan[] {
    return this.spans.filter((t) => t.from > this.restartSeq).sort((a, b) => a.from - b.from);
  }

  /** The answer's text as the wire delivered it: the deltas after the last restart, in seq order. */
  get text(): string {
    return this.current()
      .map((t) => t.text)
      .join('');
  }

  /** Arrival time of each token after the last restart, in seq order (a merged frame's arrival for each seq it stands for). */
  tokenArrivals(): number[] {
    return this.current().flatMap((t) => Array.from({ length: t.to - t.from + 1 }, () => t.at));
  }
}
