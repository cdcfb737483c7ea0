/**
 * Owns the timers of one response. A `close` before we finished means the client went
 * away (or the server is closing): stop every timer so abandoned streams cost nothing.
 */
import type { ServerResponse } from 'node:http';

/** Any request record with an `aborted` flag (chat transcripts, audio records). */
export interface AbortableRecord {
  aborted: boolean;
}

export class Lifecycle {
  private readonly timers = new Set<NodeJS.Timeout>();
  finished = false;

  constructor(res: ServerResponse, record: AbortableRecord, isClosing: () => boolean) {
    res.on('close', () => {
      this.clearTimers();
      if (this.finished) return;
      this.finished = true;
      record.aborted = !isClosing();
    });
  }

  later(ms: number, fn: () => void): void {
    if (this.finished) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.finished) fn();
    }, Math.max(0, ms));
    this.timers.add(timer);
  }

  finish(): void {
    this.finished = true;
    this.clearTimers();
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
