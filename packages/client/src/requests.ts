import type { ServerFrame } from '@aurawell/protocol';

type Waiter = { resolve: (frame: ServerFrame) => void; reject: (err: Error) => void };

/**
 * Requests sent with a `request_id`, waiting for the frame that answers them: a `status_update`
 * (get_status, switch_member, acknowledge), a `sync`, or an `error` (which rejects).
 */
export class PendingRequests {
  private readonly waiting = new Map<string, Waiter>();

  /** The answer to the request with this id, once it comes. */
  wait(requestId: string): Promise<ServerFrame> {
    return new Promise((resolve, reject) => this.waiting.set(requestId, { resolve, reject }));
  }

  /** Settles the request this frame answers; false when no request waits for `requestId`. */
  settle(requestId: string | undefined, frame: ServerFrame): boolean {
    const waiter = requestId === undefined ? undefined : this.waiting.get(requestId);
    if (!waiter) return false;
    this.waiting.delete(requestId as string);
    if (frame.type === 'error') waiter.reject(Object.assign(new Error(frame.message), { code: frame.error_code }));
    else waiter.resolve(frame);
    return true;
  }

  /** Rejects every waiting request (the connection they were sent on is gone). */
  rejectAll(message: string): void {
    for (const waiter of this.waiting.values()) waiter.reject(new Error(message));
    this.waiting.clear();
  }
}
