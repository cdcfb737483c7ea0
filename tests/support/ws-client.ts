import { WebSocket } from 'ws';

export type Frame = Record<string, unknown> & { type: string };
export type Closed = { code: number; reason: string };

const TERMINAL = new Set(['done', 'error', 'cancelled']);
export const isTerminal = (f: Frame, messageId?: string): boolean =>
  f.type === 'status_update' && TERMINAL.has(String(f.status)) && (messageId === undefined || f.message_id === messageId);

/** Records every frame a client receives and lets a test wait for the one it expects. */
export class FrameRecorder {
  readonly frames: Frame[] = [];
  private waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];

  protected record(frame: Frame): void {
    this.frames.push(frame);
    this.waiters = this.waiters.filter((w) => (w.pred(frame) ? (w.resolve(frame), false) : true));
  }

  /** The first recorded or future frame matching `pred`. */
  next(pred: (f: Frame) => boolean, timeoutMs = 20000): Promise<Frame> {
    const seen = this.frames.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame in ${timeoutMs} ms; got ${this.summary()}`)), timeoutMs);
      this.waiters.push({ pred, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  /** What arrived, short enough for a failure message however many frames came: counts by type, then the last three. */
  summary(): string {
    const counts = new Map<string, number>();
    for (const f of this.frames) counts.set(f.type, (counts.get(f.type) ?? 0) + 1);
    const last = this.frames.slice(-3).map((f) => JSON.stringify(f).slice(0, 200));
    return `${this.frames.length} frames (${[...counts].map(([t, n]) => `${t} ×${n}`).join(', ')}); last: ${last.join(' | ')}`;
  }

  /** Frames of one generation, in arrival order (a `user_message` or `voice_transcript` names the generation it starts but is not part of it). */
  generation(messageId: string): Frame[] {
    return this.frames.filter((f) => f.message_id === messageId && f.type !== 'user_message' && f.type !== 'voice_transcript');
  }
}

/** A raw test WebSocket client: sends exactly what the test gives it, records every frame. */
export class TestClient extends FrameRecorder {
  readonly closed: Promise<Closed>;
  readonly opened: Promise<void>;
  /** Called for every frame, after it is recorded. */
  onFrame: (f: Frame) => void = () => {};

  constructor(
    readonly url: string,
    headers: Record<string, string> = {},
  ) {
    super();
    this.ws = new WebSocket(url, { headers });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: HTTP ${res.statusCode}`)));
    });
    this.opened.catch(() => {});
    this.closed = new Promise((resolve) => this.ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    this.ws.on('error', () => {});
    this.ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as Frame;
      this.record(frame);
      this.onFrame(frame);
    });
  }

  private readonly ws: WebSocket;

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  close(): void {
    this.ws.close();
  }

  terminate(): void {
    this.ws.terminate();
  }
}

/** Opens a client and waits for `connection_established`. */
export const connect = async (url: string, headers?: Record<string, string>): Promise<TestClient> => {
  const c = new TestClient(url, headers);
  await c.opened;
  await c.next((f) => f.type === 'connection_established' || f.type === 'error');
  return c;
};

/** Sends a chat and resolves with all of its frames once its terminal status arrives. */
export const chat = async (c: TestClient, message: string, type = 'health_chat', extra: Record<string, unknown> = {}) => {
  const requestId = `req-${Math.random().toString(36).slice(2)}`;
  c.send({ type, data: { message }, request_id: requestId, ...extra });
  const sending = await c.next((f) => f.type === 'status_update' && f.status === 'sending' && (f.data as { request_id?: string } | null)?.request_id === requestId);
  const messageId = String(sending.message_id);
  await c.next((f) => isTerminal(f, messageId), 60000);
  return { messageId, frames: c.generation(messageId) };
};
