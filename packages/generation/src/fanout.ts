import { isTerminalStatus } from '@aurawell/protocol';
import type { Keys, Logger, RedisClient } from '@aurawell/platform';
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
  /** Called when the fanout lets go of the sink: nothing more comes (stop any timers). */
  detached?(): void;
}

/**
 * Subscribes to a user's shard channel (SSUBSCRIBE) while this process holds at least one sink
 * of that user, and hands every frame published there to each of them. On a cluster the client
 * keeps one subscriber connection per primary and moves channels with their slots.
 */
export class UserFanout<S extends FrameSink = FrameSink> {
  private readonly byUser = new Map<string, Set<S>>();
  private readonly userByChannel = new Map<string, string>();
  private readonly subscriptions = new Map<string, Promise<unknown>>();

  constructor(
    private readonly subscriber: RedisClient,
    private readonly keys: Keys,
    private readonly logger: Logger,
    private readonly onFrame: (frame: BusFrame) => void = () => {},
  ) {
    subscriber.on('smessage', (channel: string, message: string) => this.dispatch(channel, message));
  }

  /** Resolves once the user's channel is subscribed, so nothing published afterwards is missed. */
  async add(sink: S): Promise<void> {
    let set = this.byUser.get(sink.userId);
    if (!set) {
      set = new Set();
      this.byUser.set(sink.userId, set);
      const channel = this.keys.userChannel(sink.userId);
      this.userByChannel.set(channel, sink.userId);
      this.subscriptions.set(sink.userId, this.subscriber.ssubscribe(channel));
    }
    set.add(sink);
    await this.subscriptions.get(sink.userId);
  }

  remove(sink: S): void {
    const set = this.byUser.get(sink.userId);
    if (set?.has(sink)) sink.detached?.();
    if (!set?.delete(sink) || set.size > 0) return;
    this.byUser.delete(sink.userId);
    this.subscriptions.delete(sink.userId);
    const channel = this.keys.userChannel(sink.userId);
    this.userByChannel.delete(channel);
    this.subscriber.sunsubscribe(channel).catch((err: Error) => this.logger.warn({ err }, 'unsubscribe failed'));
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

/** Whether `found` holds every seq after `last` up to the first of `held`. */
const bridges = (last: number, found: readonly BusFrame[], held: readonly BusFrame[]): boolean => {
  if (held.length === 0) return true;
  const first = held.reduce((min, f) => Math.min(min, f.seq), Infinity);
  const have = new Set(found.map((f) => f.seq));
  for (let seq = last + 1; seq < first; seq += 1) if (!have.has(seq)) return false;
  return true;
};

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
  /** When the last frame of each generation under way went out, and when its stream was last looked at. */
  private readonly quiet = new Map<string, { frameAt: number; checkedAt: number }>();
  private readonly held = new Map<string, BusFrame[]>();
  /** Generations whose live frames wait for the joining window to end (or for a `resume`). */
  private readonly joining = new Set<string>();
  private readonly joinUntil: number;
  private readonly stallRepairMs: number;
  private stallTimer: NodeJS.Timeout | null = null;
  private disposed = false;
  private readonly gapRetry: { times: number; ms: number };

  constructor(
    private readonly send: (frame: BusFrame) => void,
    private readonly fillGap?: GapFiller,
    opts: {
      /**
       * For this long after the receiver appears, live frames of a generation already under way wait
       * instead of going out: a client that reconnects sends `resume` right after it is greeted, and
       * its replay must come before them, or it would see a later frame before the ones it missed.
       */
      joinWindowMs?: number;
      /**
       * With a `fillGap`: a generation under way that sent nothing for this long is looked up in its
       * stream. Pub/sub can lose the last frames with nothing after them to reveal the gap (a
       * primary's failover, a subscriber reconnecting): the receiver still gets them, terminal included.
       */
      stallRepairMs?: number;
      /**
       * A failed gap read is tried this many more times, `gapRetryMs` apart: by default for 20 s, past
       * a failover's length (Redis's default cluster-node-timeout is 15 s, then the election). The
       * held frames could not go out in order before anyway, and after the last try they go out
       * with the hole (the client resumes), which a failover on a loaded machine reached at 4 s.
       */
      gapRetries?: number;
      gapRetryMs?: number;
    } = {},
  ) {
    this.joinUntil = Date.now() + (opts.joinWindowMs ?? 0);
    this.stallRepairMs = opts.stallRepairMs ?? STALL_REPAIR_MS;
    this.gapRetry = { times: opts.gapRetries ?? 40, ms: opts.gapRetryMs ?? 500 };
  }

  /** The receiver is gone: no more stall checks or gap retries. */
  dispose(): void {
    this.disposed = true;
    this.stopStallWatch();
    this.quiet.clear();
  }

  private stopStallWatch(): void {
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.stallTimer = null;
  }

  deliver(frame: BusFrame): void {
    const held = this.held.get(frame.messageId);
    if (held) return void held.push(frame);
    const last = this.lastSent.get(frame.messageId) ?? 0;
    if (last === 0 && frame.seq > 1 && Date.now() < this.joinUntil) return this.holdWhileJoining(frame);
    // Only a receiver that already has part of the generation has a gap; a late joiner starts where it joined.
    if (this.fillGap && last > 0 && frame.seq > last + 1) return this.repair(frame.messageId, last, [frame]);
    this.sendInOrder(frame);
  }

  /**
   * Holds live frames of `messageId` (starting with `held`) while the stored ones after `last` are
   * read, then sends all in order. A read that fails (Redis failing over, a slot moving) is tried
   * again; only after the last try do the held frames go out with the hole (the client resumes).
   */
  private repair(messageId: string, last: number, held: BusFrame[]): void {
    const fill = this.fillGap as GapFiller;
    this.held.set(messageId, held);
    const retry = (left: number, found: BusFrame[]): void =>
      left > 0 && !this.disposed ? void setTimeout(() => attempt(left - 1), this.gapRetry.ms).unref() : this.endReplay(messageId, found);
    // A read that works but stops short of the held frames is no repair either: after a failover the
    // new primary may not have the lost frames until the worker has written them again.
    const attempt = (left: number): void =>
      void fill(messageId, last).then(
        (missing) => (bridges(last, missing, this.held.get(messageId) ?? []) ? this.endReplay(messageId, missing) : retry(left, missing)),
        () => retry(left, []),
      );
    attempt(this.gapRetry.times);
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
    if (frame.terminal) {
      // Remembered a while after its end: a repair or replay in flight may bring the end again.
      this.lastSent.set(frame.messageId, frame.seq);
      setTimeout(() => this.lastSent.get(frame.messageId) === frame.seq && this.lastSent.delete(frame.messageId), ENDED_MEMORY_MS).unref();
      this.quiet.delete(frame.messageId);
    } else {
      this.lastSent.set(frame.messageId, frame.seq);
      const now = Date.now();
      this.quiet.set(frame.messageId, { frameAt: now, checkedAt: now });
      this.watchStalls();
    }
  }

  private watchStalls(): void {
    if (this.stallTimer || !this.fillGap || this.stallRepairMs <= 0) return;
    this.stallTimer = setInterval(() => this.repairStalled(), this.stallRepairMs);
    this.stallTimer.unref();
  }

  /** Reads the stream of each generation quiet for `stallRepairMs` (given up after STALL_GIVE_UP_MS of silence). */
  private repairStalled(): void {
    const now = Date.now();
    for (const [messageId, q] of this.quiet) {
      if (now - q.frameAt > STALL_GIVE_UP_MS) this.quiet.delete(messageId);
      else if (!this.held.has(messageId) && now - q.checkedAt >= this.stallRepairMs) {
        q.checkedAt = now;
        this.repair(messageId, this.lastSent.get(messageId) ?? 0, []);
      }
    }
    if (this.quiet.size === 0) this.stopStallWatch();
  }
}

/** How long a receiver remembers the last seq of an ended generation (longer than any repair or replay takes). */
const ENDED_MEMORY_MS = 60_000;
/** How long a generation under way may send nothing before its stream is looked at. */
export const STALL_REPAIR_MS = 2000;
/** Past this much silence a generation is not looked for any more (longer than any generation's deadline). */
const STALL_GIVE_UP_MS = 15 * 60 * 1000;
