import type { Redis } from 'ioredis';
import { isTerminalStatus } from '@aurawell/protocol';
import type { Keys, Logger } from '@aurawell/platform';
import { toUserEvent, type UserEvent } from './user-events';

/** A generation frame as it travels: its identity, its number, and the exact bytes to send. */
export type BusFrame = {
  messageId: string;
  seq: number;
  terminal: boolean;
  raw: string;
  /** The frame's `type` and (status frames) `status`, for metrics. */
  type?: string;
  status?: string;
};


/** Reads the routing fields of a published frame; anything malformed is null. */
export const toBusFrame = (raw: string): BusFrame | null => {
  try {
    const f = JSON.parse(raw) as { message_id?: unknown; seq?: unknown; type?: unknown; status?: unknown };
    if (typeof f.message_id !== 'string' || typeof f.seq !== 'number') return null;
    const terminal = f.type === 'status_update' && isTerminalStatus(f.status);
    return { messageId: f.message_id, seq: f.seq, terminal, raw, type: String(f.type), ...(typeof f.status === 'string' ? { status: f.status } : {}) };
  } catch {
    return null;
  }
};

/** Whatever receives a user's frames: a WebSocket connection, an SSE response, a waiting request. */
export interface FrameSink {
  readonly userId: string;
  deliver(frame: BusFrame): void;
  /** A frame outside any generation (reminder, another device's message); sinks that want them implement this. */
  deliverEvent?(event: UserEvent): void;
}

/**
 * Subscribes to a user's channel while this process holds at least one sink of that user, and
 * hands every frame published there to each of them.
 */
export class UserFanout<S extends FrameSink = FrameSink> {
  private readonly byUser = new Map<string, Set<S>>();
  private readonly userByChannel = new Map<string, string>();
  private readonly subscriptions = new Map<string, Promise<unknown>>();

  constructor(
    private readonly subscriber: Redis,
    private readonly keys: Keys,
    private readonly logger: Logger,
    private readonly onFrame: (frame: BusFrame) => void = () => {},
  ) {
    subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  /** Resolves once the user's channel is subscribed, so nothing published afterwards is missed. */
  async add(sink: S): Promise<void> {
    let set = this.byUser.get(sink.userId);
    if (!set) {
      set = new Set();
      this.byUser.set(sink.userId, set);
      const channel = this.keys.userChannel(sink.userId);
      this.userByChannel.set(channel, sink.userId);
      this.subscriptions.set(sink.userId, this.subscriber.subscribe(channel));
    }
    set.add(sink);
    await this.subscriptions.get(sink.userId);
  }

  remove(sink: S): void {
    const set = this.byUser.get(sink.userId);
    if (!set?.delete(sink) || set.size > 0) return;
    this.byUser.delete(sink.userId);
    this.subscriptions.delete(sink.userId);
    const channel = this.keys.userChannel(sink.userId);
    this.userByChannel.delete(channel);
    this.subscriber.unsubscribe(channel).catch((err: Error) => this.logger.warn({ err }, 'unsubscribe failed'));
  }

  sinks(): S[] {
    return [...this.byUser.values()].flatMap((s) => [...s]);
  }

  /** Users with at least one sink here (`get_status` reports it; never their ids). */
  get userCount(): number {
    return this.byUser.size;
  }

  get size(): number {
    let n = 0;
    for (const s of this.byUser.values()) n += s.size;
    return n;
  }

  private dispatch(channel: string, message: string): void {
    const userId = this.userByChannel.get(channel);
    const set = userId ? this.byUser.get(userId) : undefined;
    if (!set) return;
    const frame = toBusFrame(message);
    if (!frame) return this.dispatchEvent(channel, message, set);
    this.onFrame(frame);
    for (const sink of set) sink.deliver(frame);
  }

  private dispatchEvent(channel: string, message: string, sinks: Set<S>): void {
    const event = toUserEvent(message);
    if (!event) return void this.logger.warn({ channel }, 'dropped malformed bus frame');
    for (const sink of sinks) sink.deliverEvent?.(event);
  }
}

/** Fetches the stored frames of a generation after `afterSeq` (to repair a gap). */
export type GapFiller = (messageId: string, afterSeq: number) => Promise<BusFrame[]>;

/**
 * Per-receiver ordering of generation frames: never sent twice, never out of order, also while
 * a `resume` replays stored frames and live ones arrive at the same time (they wait, then the
 * ones not already replayed follow). With a `fillGap`, a frame that skips ahead of what this
 * receiver has (pub/sub lost some, e.g. while Redis restarted) is held while the missing ones
 * are fetched from the generation's stream, so the receiver still gets 1, 2, 3, … without a hole.
 */
export class FrameSequencer {
  private readonly lastSent = new Map<string, number>();
  private readonly held = new Map<string, BusFrame[]>();
  /** Generations whose live frames wait for the joining window to end (or for a `resume`). */
  private readonly joining = new Set<string>();
  private readonly joinUntil: number;

  constructor(
    private readonly send: (frame: BusFrame) => void,
    private readonly fillGap?: GapFiller,
    /**
     * For this long after the receiver appears, live frames of a generation already under way wait
     * instead of going out: a client that reconnects sends `resume` right after it is greeted, and
     * its replay must come before them, or it would see a later frame before the ones it missed.
     */
    opts: { joinWindowMs?: number } = {},
  ) {
    this.joinUntil = Date.now() + (opts.joinWindowMs ?? 0);
  }

  deliver(frame: BusFrame): void {
    const held = this.held.get(frame.messageId);
    if (held) return void held.push(frame);
    const last = this.lastSent.get(frame.messageId) ?? 0;
    if (last === 0 && frame.seq > 1 && Date.now() < this.joinUntil) return this.holdWhileJoining(frame);
    // Only a receiver that already has part of the generation has a gap; a late joiner starts where it joined.
    if (this.fillGap && last > 0 && frame.seq > last + 1) return this.repair(frame, last);
    this.sendInOrder(frame);
  }

  private repair(frame: BusFrame, last: number): void {
    const fill = this.fillGap as GapFiller;
    this.held.set(frame.messageId, [frame]);
    fill(frame.messageId, last).then(
      (missing) => this.endReplay(frame.messageId, missing),
      () => this.endReplay(frame.messageId, []),
    );
  }

  private holdWhileJoining(frame: BusFrame): void {
    if (this.joining.size === 0) setTimeout(() => this.endJoining(), this.joinUntil - Date.now()).unref();
    this.joining.add(frame.messageId);
    this.held.set(frame.messageId, [frame]);
  }

  /** No `resume` came for them: the held frames go out, as to any device that joins mid-answer. */
  private endJoining(): void {
    const ids = [...this.joining];
    this.joining.clear();
    for (const id of ids) this.endReplay(id, []);
  }

  /**
   * Starts a replay of `messageId` after `lastSeq`: live frames of it wait until `endReplay`
   * (frames held until now are dropped: they are in the generation's stream the replay reads).
   */
  beginReplay(messageId: string, lastSeq: number): void {
    this.joining.delete(messageId);
    this.held.set(messageId, []);
    this.lastSent.set(messageId, lastSeq);
  }

  /** Sends the replayed frames, then the live ones that arrived meanwhile, skipping duplicates. */
  endReplay(messageId: string, replayed: readonly BusFrame[]): void {
    const held = this.held.get(messageId) ?? [];
    this.held.delete(messageId);
    for (const f of replayed) this.sendInOrder(f);
    for (const f of held) this.sendInOrder(f);
  }

  private sendInOrder(frame: BusFrame): void {
    const last = this.lastSent.get(frame.messageId) ?? 0;
    if (frame.seq <= last) return;
    this.send(frame);
    if (frame.terminal) this.lastSent.delete(frame.messageId);
    else this.lastSent.set(frame.messageId, frame.seq);
  }
}
