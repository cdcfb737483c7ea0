import { WebSocket } from 'ws';
import { FrameSequencer, type BusFrame, type FrameSink, type GapFiller, type UserEvent } from '@aurawell/generation';
import { CloseCode, isRefusal, refusalStatusFrame, type ServerFrame } from '@aurawell/protocol';
import { Outbox } from './outbox';

export type SendLimits = {
  /** Above this many unsent bytes, pending deltas are merged (see Outbox). */
  softCapBytes: number;
  /** Past this many unsent bytes the client is closed with 1013 and resumes later. */
  hardCapBytes: number;
  onMerge?: () => void;
  onSlowClose?: (connectionId: string) => void;
  /** A frame of this `type` was handed to the outbox (for the frames-out metric). */
  onFrameOut?: (type: unknown) => void;
  /** Live frames of a generation under way wait this long after connect for the client's `resume` (see FrameSequencer). */
  joinWindowMs?: number;
};

const noop = () => {};

/**
 * One client socket and its per-device session (active member, active conversation). Its
 * generation frames pass a FrameSequencer: never twice, never out of order, also during a resume;
 * then the Outbox, which merges deltas for a client that reads too slowly.
 *
 * An idle connection is most of a gateway's connections, so it holds as little as it can: the
 * sequencer is made by the first generation frame, the outbox by the first send (and let go at
 * a ping once nothing waits in it), the `closed` promise when someone asks for it.
 */
export class ClientConnection implements FrameSink {
  activeMemberId: string | null = null;
  /** This device's default for spoken answers (`voice_settings`). */
  speakAnswers = false;
  conversationId: string | null = null;
  lastActivity = Date.now();
  pingSentAt: number | null = null;
  lastPingAt = Date.now();
  /** Pings sent and the last answer (WebSocket or JSON pong): `get_status` reports them, as the original's session did. */
  heartbeats = 0;
  lastPongAt: number;
  /** The device, as the client names it (`?device_id=`), so a reminder reaches it once across reconnects; else the connection. */
  deviceId: string;
  /** What to do with a frame outside any generation (reminders, another device's message). */
  onEvent: (event: UserEvent) => void = noop;
  private readonly connectedAtMs: number;
  private outboxOrNull: Outbox | null = null;
  private framesOrNull: FrameSequencer | null = null;
  private closedOrNull: Promise<void> | null = null;

  constructor(
    readonly id: string,
    readonly userId: string,
    connectedAt: Date,
    private readonly ws: WebSocket,
    private readonly limits: SendLimits,
    /** Fetches frames pub/sub lost (e.g. while Redis restarted) from the generation's stream. */
    private readonly fillGap?: GapFiller,
  ) {
    this.deviceId = id;
    this.connectedAtMs = connectedAt.getTime();
    this.lastPongAt = this.connectedAtMs;
  }

  get connectedAt(): Date {
    return new Date(this.connectedAtMs);
  }

  /** Resolves once the socket is closed, whoever closed it. */
  get closed(): Promise<void> {
    this.closedOrNull ??= this.ws.readyState === WebSocket.CLOSED ? Promise.resolve() : new Promise((resolve) => this.ws.once('close', () => resolve()));
    return this.closedOrNull;
  }

  private get outbox(): Outbox {
    this.outboxOrNull ??= new Outbox(this.ws, {
      softCapBytes: this.limits.softCapBytes,
      hardCapBytes: this.limits.hardCapBytes,
      onMerge: this.limits.onMerge,
      onOverflow: () => {
        this.limits.onSlowClose?.(this.id);
        this.close(CloseCode.TRY_AGAIN_LATER, 'Client too slow; reconnect and resume');
      },
    });
    return this.outboxOrNull;
  }

  /** Made at the first generation frame; its joining window still counts from the connect. */
  private get frames(): FrameSequencer {
    this.framesOrNull ??= new FrameSequencer((frame) => {
      this.limits.onFrameOut?.(frame.type);
      this.outbox.push(frame.raw, frame);
    }, this.fillGap, { joinWindowMs: Math.max(0, this.connectedAtMs + (this.limits.joinWindowMs ?? 0) - Date.now()) });
    return this.framesOrNull;
  }

  /** The fanout let go of this connection: no stalled generation is looked for any more. */
  detached(): void {
    this.framesOrNull?.dispose();
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** A frame outside any generation (pong, error, session status): never merged, keeps its place. */
  send(frame: ServerFrame): void {
    this.limits.onFrameOut?.(frame.type);
    this.sendRaw(JSON.stringify(frame));
    // The original's clients watch only `status_update`, so a refused frame also comes as one.
    if (isRefusal(frame)) this.send(refusalStatusFrame(frame));
  }

  /** Serialised frame bytes; `type` counts it in the frames-out metric. */
  sendRaw(raw: string, type?: string): void {
    if (type !== undefined) this.limits.onFrameOut?.(type);
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
    this.outboxOrNull?.clear();
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(code, reason);
  }

  /** Also an idle moment: an outbox with nothing waiting is let go (the next send makes another). */
  ping(): void {
    if (this.outboxOrNull?.waiting === 0 && this.open) this.outboxOrNull = null;
    this.pingSentAt = Date.now();
    this.lastPingAt = this.pingSentAt;
    this.heartbeats += 1;
    if (this.open) this.ws.ping();
  }

  /** The client answered: a WebSocket pong, or the JSON `pong` of the original's clients. */
  pong(): void {
    this.pingSentAt = null;
    this.lastPongAt = Date.now();
    this.lastActivity = this.lastPongAt;
  }

  terminate(): void {
    this.ws.terminate();
  }
}
