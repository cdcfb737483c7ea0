import { TestClient, isTerminal, type Frame } from './ws-client';

const NO_RECONNECT = new Set([4001, 4029]);

/**
 * A client that behaves as the protocol asks of a client on a flaky network: when its
 * connection drops it reconnects (to whichever gateway the load balancer picks) and resumes
 * every unfinished generation from the last seq it has. Frames from all connections are merged
 * per generation by seq.
 */
export class ResumingClient {
  private client!: TestClient;
  private readonly byMessage = new Map<string, Map<number, Frame>>();
  private readonly finished = new Set<string>();
  private closedForGood = false;
  reconnects = 0;

  constructor(private readonly url: () => Promise<string>) {}

  async open(): Promise<void> {
    for (let attempt = 0; ; attempt += 1) {
      const c = new TestClient(await this.url());
      try {
        await c.opened;
        await c.next((f) => f.type === 'connection_established', 5000);
        this.attach(c);
        return;
      } catch (err) {
        c.terminate();
        if (attempt >= 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private attach(c: TestClient): void {
    this.client = c;
    c.onFrame = (f) => this.record(f);
    for (const [messageId, frames] of this.byMessage) {
      if (!this.finished.has(messageId)) c.send({ type: 'resume', data: { message_id: messageId, last_seq: this.contiguous(frames) } });
    }
    void c.closed.then(async ({ code }) => {
      if (this.closedForGood || NO_RECONNECT.has(code)) return;
      this.reconnects += 1;
      await this.open();
    });
  }

  private record(f: Frame): void {
    if (typeof f.message_id !== 'string' || typeof f.seq !== 'number') return;
    const frames = this.byMessage.get(f.message_id) ?? new Map<number, Frame>();
    frames.set(f.seq, f);
    this.byMessage.set(f.message_id, frames);
    if (isTerminal(f)) this.finished.add(f.message_id);
  }

  /** The highest seq up to which this client has every frame. */
  private contiguous(frames: Map<number, Frame>): number {
    let n = 0;
    while (frames.has(n + 1)) n += 1;
    return n;
  }

  send(frame: unknown): void {
    this.client.send(frame);
  }

  /** Frames of one generation in seq order (with any gap left visible to the checks). */
  generation(messageId: string): Frame[] {
    return [...(this.byMessage.get(messageId)?.values() ?? [])].sort((a, b) => Number(a.seq) - Number(b.seq));
  }

  messageIds(): string[] {
    return [...this.byMessage.keys()];
  }

  async waitFinished(messageId: string, timeoutMs = 60000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!this.finished.has(messageId)) {
      if (Date.now() > end) throw new Error(`generation ${messageId} did not finish; have seqs ${this.generation(messageId).map((f) => f.seq).join(',')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    this.closedForGood = true;
    this.client.close();
  }
}
