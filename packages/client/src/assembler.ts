import type { ChatAudioFrame, ChatStreamFrame, ErrorFrame, GenerationStatus, ReasoningStreamFrame, StatusUpdateFrame } from '@aurawell/protocol';
import { isTerminalStatus } from '@aurawell/protocol/plain';

/** Frames that belong to one generation (those carrying its `message_id`; `chat_audio` only counts in the seq order here). */
export type GenerationFrame = StatusUpdateFrame | ChatStreamFrame | ReasoningStreamFrame | ErrorFrame | ChatAudioFrame;

/** What one `push` did: the frames applied, in seq order, and whether frames are still missing. */
export type PushResult = { applied: GenerationFrame[]; gap: boolean };

const isTerminal = (f: GenerationFrame): f is StatusUpdateFrame => f.type === 'status_update' && isTerminalStatus(f.status);

/** The seqs a frame stands for: a merged delta (`seq_from`) counts for its whole range. */
const range = (f: GenerationFrame): { start: number; end: number } | null => {
  if (f.seq === undefined) return null;
  const from = 'seq_from' in f && f.seq_from !== undefined ? f.seq_from : f.seq;
  return { start: from, end: f.seq };
};

/**
 * Turns the frames of one generation, as they arrive from any number of connections (duplicates,
 * out of order, merged, replayed after a resume), into one exact text. Pure: no I/O, no timers, so
 * every ordering rule is unit-tested without sockets.
 *
 * - Frames are applied strictly in seq order; `lastSeq` is the last contiguous seq applied, the
 *   value to send as `resume.last_seq`.
 * - A frame whose seqs were all applied already is a duplicate (a replay overlapping the live
 *   stream, another tab's resume) and is ignored.
 * - A frame ahead of `lastSeq + 1` is held until the frames before it arrive; `gap` says so.
 * - `status_update` with `data.restart` (a worker took the generation over) drops the text so far.
 * - A terminal frame without seq (an answer served from storage after the replay window) carries
 *   the whole text in `full_response` / `partial_response`.
 */
export class GenerationAssembler {
  status: GenerationStatus = 'sending';
  text = '';
  reasoning = '';
  lastSeq = 0;
  /** The terminal `status_update`, once applied. */
  terminal: StatusUpdateFrame | null = null;
  /** The generation's `error` frame (it precedes the terminal `status_update` `error`). */
  error: ErrorFrame | null = null;
  private readonly held = new Map<number, GenerationFrame>();

  get finished(): boolean {
    return this.terminal !== null;
  }

  push(frame: GenerationFrame): PushResult {
    const applied: GenerationFrame[] = [];
    if (this.finished) return { applied, gap: false };
    const r = range(frame);
    if (r === null) {
      // Only a stored answer or a final error comes without seq: nothing can follow it.
      if (isTerminal(frame) || frame.type === 'error') this.applyUnsequenced(frame, applied);
      return { applied, gap: false };
    }
    let overlap = false;
    if (r.end <= this.lastSeq) return { applied, gap: this.held.size > 0 };
    if (r.start <= this.lastSeq) overlap = true; // a merged frame straddling lastSeq cannot be split
    else if (r.start > this.lastSeq + 1) this.hold(frame, r.start);
    else this.apply(frame, r.end, applied);
    if (this.drain(applied)) overlap = true;
    return { applied, gap: !this.finished && (overlap || this.held.size > 0) };
  }

  private hold(frame: GenerationFrame, start: number): void {
    const current = this.held.get(start);
    // Of two frames starting at the same seq keep the one covering more (a merged one).
    if (!current || (current.seq ?? 0) < (frame.seq ?? 0)) this.held.set(start, frame);
  }

  /** Applies held frames that became next in line; true when one straddling `lastSeq` had to be dropped. */
  private drain(applied: GenerationFrame[]): boolean {
    let dropped = false;
    for (;;) {
      for (const [start, f] of this.held) {
        if (start > this.lastSeq) continue;
        if ((f.seq ?? 0) > this.lastSeq) dropped = true;
        this.held.delete(start);
      }
      const next = this.held.get(this.lastSeq + 1);
      if (!next || this.finished) break;
      this.held.delete(this.lastSeq + 1);
      this.apply(next, next.seq ?? this.lastSeq + 1, applied);
    }
    if (this.finished) this.held.clear();
    return dropped;
  }

  private apply(frame: GenerationFrame, end: number, applied: GenerationFrame[]): void {
    this.lastSeq = end;
    applied.push(frame);
    switch (frame.type) {
      case 'chat_stream':
        this.text += frame.delta;
        return;
      case 'reasoning_stream':
        this.reasoning += frame.delta;
        return;
      case 'error':
        this.error = frame;
        return;
      case 'status_update':
        if (frame.data?.restart === true) {
          this.text = '';
          this.reasoning = '';
        }
        this.status = frame.status;
        if (isTerminal(frame)) this.terminal = frame;
    }
  }

  private applyUnsequenced(frame: StatusUpdateFrame | ErrorFrame, applied: GenerationFrame[]): void {
    applied.push(frame);
    if (frame.type === 'error') {
      this.error = frame;
      this.status = 'error';
      // A synthetic terminal so the generation ends: nothing else will come for it.
      this.terminal = { type: 'status_update', status: 'error', message: frame.message, data: { error_code: frame.error_code }, conversation_id: frame.conversation_id ?? null, message_id: frame.message_id ?? null, timestamp: frame.timestamp };
      return;
    }
    const data = frame.data ?? {};
    const whole = typeof data.full_response === 'string' ? data.full_response : typeof data.partial_response === 'string' ? data.partial_response : null;
    if (whole !== null) this.text = whole;
    this.status = frame.status;
    this.terminal = frame;
  }
}
