import { CloseCode } from '@aurawell/protocol';

/** What a drain needs of a connection. */
export type Drainable = {
  readonly closed: Promise<void>;
  close(code: number, reason: string): void;
  terminate(): void;
};

export type DrainOptions = {
  /** The closes are spread evenly over this window. */
  windowMs: number;
  /** After the last close, how long closing handshakes may take before the sockets are cut. */
  graceMs: number;
  /** Connections not yet closed by the drain, after each close (for the progress gauge). */
  onProgress?: (remaining: number) => void;
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Closes every connection with 1012 (reconnect and resume), one every `windowMs / n`, so that n
 * clients reconnect to the other replicas at an even pace instead of all in the same instant.
 * The first goes at once and the last at `windowMs * (n - 1) / n`. Resolves once every socket is
 * closed; one that has not finished its closing handshake within `graceMs` is terminated.
 */
export const drainConnections = async (connections: readonly Drainable[], opts: DrainOptions): Promise<void> => {
  const n = connections.length;
  const step = n > 0 ? opts.windowMs / n : 0;
  const started = Date.now();
  opts.onProgress?.(n);
  for (const [i, conn] of connections.entries()) {
    // Scheduled against the start, so slow closes do not stretch the window.
    const wait = started + i * step - Date.now();
    if (wait > 0) await sleep(wait);
    conn.close(CloseCode.SERVICE_RESTART, 'Server restarting; reconnect and resume');
    opts.onProgress?.(n - i - 1);
  }
  const cut = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), opts.graceMs).unref());
  await Promise.all(
    connections.map(async (conn) => {
      if ((await Promise.race([conn.closed.then(() => 'closed' as const), cut])) === 'late') conn.terminate();
    }),
  );
};
