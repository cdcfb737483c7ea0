import type { Keys, Logger, Redis } from '@aurawell/platform';
import type { BusFrame, ClientConnection } from './connection';

const TERMINAL = new Set(['done', 'error', 'cancelled']);

/** Reads the routing fields of a published frame; anything malformed is dropped. */
export const toBusFrame = (raw: string): BusFrame | null => {
  try {
    const f = JSON.parse(raw) as { message_id?: unknown; seq?: unknown; type?: unknown; status?: unknown };
    if (typeof f.message_id !== 'string' || typeof f.seq !== 'number') return null;
    return { messageId: f.message_id, seq: f.seq, terminal: f.type === 'status_update' && TERMINAL.has(String(f.status)), raw };
  } catch {
    return null;
  }
};

/**
 * Subscribes to a user's channel while this gateway holds at least one of the user's
 * connections, and hands every frame published there to each of them.
 */
export class UserFanout {
  private readonly byUser = new Map<string, Set<ClientConnection>>();
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
  async add(conn: ClientConnection): Promise<void> {
    let set = this.byUser.get(conn.userId);
    if (!set) {
      set = new Set();
      this.byUser.set(conn.userId, set);
      const channel = this.keys.userChannel(conn.userId);
      this.userByChannel.set(channel, conn.userId);
      this.subscriptions.set(conn.userId, this.subscriber.subscribe(channel));
    }
    set.add(conn);
    await this.subscriptions.get(conn.userId);
  }

  remove(conn: ClientConnection): void {
    const set = this.byUser.get(conn.userId);
    if (!set?.delete(conn) || set.size > 0) return;
    this.byUser.delete(conn.userId);
    this.subscriptions.delete(conn.userId);
    const channel = this.keys.userChannel(conn.userId);
    this.userByChannel.delete(channel);
    this.subscriber.unsubscribe(channel).catch((err: Error) => this.logger.warn({ err: err.message }, 'unsubscribe failed'));
  }

  connections(): IterableIterator<ClientConnection> {
    return [...this.byUser.values()].flatMap((s) => [...s]).values();
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
    if (!frame) {
      this.logger.warn({ channel }, 'dropped malformed bus frame');
      return;
    }
    this.onFrame(frame);
    for (const conn of set) conn.deliver(frame);
  }
}
