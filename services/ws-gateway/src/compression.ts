import type { PerMessageDeflateOptions, WebSocket } from 'ws';

/**
 * permessage-deflate (RFC 7692) for the gateway's sockets, and the one place that reaches into
 * `ws`'s private state (its `_extensions` field): compression.test.ts fails if that changes.
 *
 * `ws` makes a socket's zlib streams at its first compressed message and, with no context
 * takeover, only `reset()`s them after each message: a socket that sent one large frame would
 * hold a deflate stream (~270 KiB at zlib's defaults) until it closes. Here both sides run without
 * context takeover, so no state is worth keeping between messages, and a socket's streams are
 * closed as soon as nothing is being (de)compressed on it: an idle socket holds no zlib memory,
 * and at most `ws`'s global concurrency limit of streams (plus sockets mid-burst) exist at once.
 */

export type CompressionConfig = { WS_COMPRESSION: boolean; WS_COMPRESSION_THRESHOLD_BYTES: number };

/** The `perMessageDeflate` option of the gateway's WebSocketServer (false: never negotiated). */
export const perMessageDeflate = (config: CompressionConfig): PerMessageDeflateOptions | false =>
  config.WS_COMPRESSION && {
    // Each message alone: `ws` applies the threshold only then, and the streams can be dropped.
    serverNoContextTakeover: true,
    clientNoContextTakeover: true,
    // Frames below it (token frames) go out as they are, RSV1 clear.
    threshold: config.WS_COMPRESSION_THRESHOLD_BYTES,
    // zlib's defaults (level 6, memLevel 8, 15 window bits): the streams live only while a frame is
    // compressed, and smaller settings saved no time on these frames. A number of window bits here
    // would refuse (400) a client asking for fewer.
  };

const EXTENSION = 'permessage-deflate';
const kBusy = Symbol('zlib calls under way');
const kPartialIn = Symbol('inside a fragmented incoming message');
const kPartialOut = Symbol('inside a fragmented outgoing message');

type Callback = (err: Error | null, result?: Buffer) => void;
type ZlibCall = (data: Buffer | string, fin: boolean, cb: Callback) => void;

/** What this module uses of `ws`'s PerMessageDeflate (lib/permessage-deflate.js); `compress`, `decompress` and `cleanup` are its public methods. */
type Extension = {
  compress: ZlibCall;
  decompress: ZlibCall;
  cleanup(): void;
  _deflate?: unknown;
  _inflate?: unknown;
  [kBusy]?: number;
  [kPartialIn]?: boolean;
  [kPartialOut]?: boolean;
};

const extensionOf = (ws: WebSocket): Extension | undefined =>
  (ws as unknown as { _extensions?: Record<string, Extension | undefined> })._extensions?.[EXTENSION];

/** Counts the call; when the last one ends outside a fragmented message, closes the streams (they are remade on demand). */
const tracked = (method: 'compress' | 'decompress', partial: typeof kPartialIn | typeof kPartialOut) =>
  function (this: Extension, data: Buffer | string, fin: boolean, cb: Callback): void {
    this[kBusy] = (this[kBusy] ?? 0) + 1;
    this[partial] = !fin;
    const original = (Object.getPrototypeOf(this) as Extension)[method];
    original.call(this, data, fin, (err, result) => {
      this[kBusy] = (this[kBusy] ?? 1) - 1;
      // ws's callback may start the next message at once (a burst reuses the streams).
      cb(err, result);
      if (this[kBusy] === 0 && !this[kPartialIn] && !this[kPartialOut]) this.cleanup();
    });
  };

// Module-level, so a socket gets two references, not two closures.
const trackedCompress = tracked('compress', kPartialOut);
const trackedDecompress = tracked('decompress', kPartialIn);

/**
 * Makes a socket that negotiated permessage-deflate free its zlib streams whenever nothing is
 * being (de)compressed. Call once, right after the upgrade. False when nothing was negotiated.
 */
export const releaseZlibWhenIdle = (ws: WebSocket): boolean => {
  const ext = extensionOf(ws);
  if (!ext) return false;
  ext.compress = trackedCompress;
  ext.decompress = trackedDecompress;
  return true;
};

/** Whether the socket holds a zlib stream now (for tests and measurements). */
export const holdsZlibStreams = (ws: WebSocket): boolean => {
  const ext = extensionOf(ws);
  return ext !== undefined && (ext._deflate != null || ext._inflate != null);
};
