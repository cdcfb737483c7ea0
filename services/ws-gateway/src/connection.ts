import { WebSocket } from 'ws';
import { FrameSequencer, type BusFrame, type FrameSink, type GapFiller, type UserEvent } from '@aurawell/platform';
import { CloseCode } from '@aurawell/protocol';
import { Outbox } from './outbox';

export type SendLimits = {
  /** Above this many unsent bytes, pending deltas are merged (see Outbox). */
  softCapBytes: number;
  /** Past this many unsent bytes the client is closed with 1013 and resumes later. */
  hardCapBytes: number;
  onMerge?: () => void;
  onSlowClose?: () => void;
  /** A frame of this `type` was handed to the outbox (for the frames-out metric). */
  onFrameOut?: (type: unknown) => void;
  /** Live frames of a generation under way wait this long after connect for the client's `resume` (see FrameSequencer). */
  joinWindowMs?: number;
};

/**
 * One client socket and its per-device session (active member, active conversation). Its
 * generation frames pass a FrameSequencer: never twice, never out of order, also during a resume;
 * then the Outbox, which merges deltas for a client that reads too slowly.
 */
export class ClientConnection implements FrameSink {
  activeMemberId: string | null = null;
  conversationId: string | null = null;
  lastActivity = Date.now();
  pingSentAt: number | null = null;
  lastPingAt = Date.now();
  /** The device, as the client names it (`?device_id=`), so a reminder reaches it once across reconnects; else the connection. */
  deviceId: string;
  /** What to do with a frame outside any generation (reminders, another device's message). */
  onEvent: (event: UserEvent) => void = () => {};
  /** Resolves once the socket is closed, whoever closed it. */
  readonly closed: Promise<void>;
  private readonly outbox: Outbox;
  private readonly frames: FrameSequencer;
  private readonly onFrameOut: (type: unknown) => void;

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly connectedAt: Date,
    private readonly ws: WebSocket,
    limits: SendLimits,
    /** Fetches frames pub/sub lost (e.g. while Redis restarted) from the generation's stream. */
    fillGap?: GapFiller,
  ) {
    this.deviceId = id;
    this.onFrameOut = limits.onFrameOut ?? (() => {});
    this.frames = new FrameSequencer((frame) => {
      this.onFrameOut(frame.type);
      this.outbox.push(frame.raw, frame);
    }, fillGap, { joinWindowMs: limits.joinWindowMs });
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    this.outbox = new Outbox(ws, {
      softCapBytes: limits.softCapBytes,
      hardCapBytes: limits.hardCapBytes,
      onMerge: limits.onMerge,
      onOverflow: () => {
        limits.onSlowClose?.();
        this.close(CloseCode.TRY_AGAIN_LATER, 'Client too slow; reconnect and resume');
      },
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** A frame outside any generation (pong, error, session status): never merged, keeps its place. */
  send(frame: object): void {
    this.onFrameOut((frame as { type?: unknown }).type);
    this.sendRaw(JSON.stringify(frame));
  }

  /** Serialised frame bytes; `type` counts it in the frames-out metric. */
  sendRaw(raw: string, type?: string): void {
    if (type !== undefined) this.onFrameOut(type);
    this.outbox.push(raw);
  }

  deliverEvent(event: UserEvent): void {
    this.onEvent(event);
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
    this.outbox.clear();
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
