import { WebSocket } from 'ws';
import { FrameSequencer, type BusFrame, type FrameSink } from '@aurawell/platform';
import { CloseCode } from '@aurawell/protocol';

/**
 * One client socket and its per-device session (active member, active conversation). Its
 * generation frames pass a FrameSequencer: never twice, never out of order, also during a resume.
 */
export class ClientConnection implements FrameSink {
  activeMemberId: string | null = null;
  conversationId: string | null = null;
  lastActivity = Date.now();
  pingSentAt: number | null = null;
  lastPingAt = Date.now();
  private readonly frames = new FrameSequencer((frame) => this.sendRaw(frame.raw));

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly connectedAt: Date,
    private readonly ws: WebSocket,
    private readonly hardCapBytes: number,
  ) {}

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: object): void {
    this.sendRaw(JSON.stringify(frame));
  }

  /** Sends unless the client has stopped reading; past the hard cap it is closed with 1013 to resume later. */
  sendRaw(raw: string): void {
    if (!this.open) return;
    if (this.ws.bufferedAmount > this.hardCapBytes) {
      this.close(CloseCode.TRY_AGAIN_LATER, 'Client too slow; reconnect and resume');
      return;
    }
    this.ws.send(raw);
  }

  /** A live frame from the bus. */
  deliver(frame: BusFrame): void {
    this.frames.deliver(frame);
  }

  beginReplay(messageId: string, lastSeq: number): void {
    this.frames.beginReplay(messageId, lastSeq);
  }

  endReplay(messageId: string, replayed: BusFrame[]): void {
    this.frames.endReplay(messageId, replayed);
  }

  close(code: number, reason: string): void {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  ping(): void {
    this.pingSentAt = Date.now();
    this.lastPingAt = this.pingSentAt;
    if (this.open) this.ws.ping();
  }

  terminate(): void {
    this.ws.terminate();
  }
}
