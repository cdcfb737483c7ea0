import { WebSocket } from 'ws';
import { CloseCode } from '@aurawell/protocol';

/** A generation frame as it travels: its identity, its number, and the exact bytes to send. */
export type BusFrame = { messageId: string; seq: number; terminal: boolean; raw: string };

/**
 * One client socket and its per-device session (active member, active conversation).
 * Tracks, per generation, the last `seq` it sent, so a frame is never sent twice or out of
 * order, also while a `resume` replays stored frames and live ones arrive at the same time.
 */
export class ClientConnection {
  activeMemberId: string | null = null;
  conversationId: string | null = null;
  lastActivity = Date.now();
  pingSentAt: number | null = null;
  lastPingAt = Date.now();
  private readonly lastSent = new Map<string, number>();
  private readonly held = new Map<string, BusFrame[]>();

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

  /** A live frame from the bus: held while that generation is being replayed, else sent in order. */
  deliver(frame: BusFrame): void {
    const held = this.held.get(frame.messageId);
    if (held) {
      held.push(frame);
      return;
    }
    this.sendInOrder(frame);
  }

  /** Starts a replay of `messageId`: live frames of it wait until `endReplay`. */
  beginReplay(messageId: string, lastSeq: number): void {
    this.held.set(messageId, []);
    this.lastSent.set(messageId, lastSeq);
  }

  /** Sends the replayed frames, then the live ones that arrived meanwhile, skipping duplicates. */
  endReplay(messageId: string, replayed: BusFrame[]): void {
    const held = this.held.get(messageId) ?? [];
    this.held.delete(messageId);
    for (const f of replayed) this.sendInOrder(f);
    for (const f of held) this.sendInOrder(f);
  }

  private sendInOrder(frame: BusFrame): void {
    const last = this.lastSent.get(frame.messageId) ?? 0;
    if (frame.seq <= last) return;
    this.sendRaw(frame.raw);
    if (frame.terminal) this.lastSent.delete(frame.messageId);
    else this.lastSent.set(frame.messageId, frame.seq);
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
