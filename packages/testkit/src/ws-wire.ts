import type { Readable } from 'node:stream';

/** One WebSocket frame as it crossed the wire, server to client (unmasked). */
export type WireFrame = {
  opcode: number;
  fin: boolean;
  /** RSV1: the message is permessage-deflate compressed (set on its first frame only). */
  compressed: boolean;
  /** Header and payload. */
  wireBytes: number;
};

const headerLength = (buf: Buffer): { header: number; payload: number } | null => {
  if (buf.length < 2) return null;
  const len = buf[1]! & 0x7f;
  const masked = (buf[1]! & 0x80) !== 0 ? 4 : 0;
  if (len < 126) return { header: 2 + masked, payload: len };
  const extra = len === 126 ? 2 : 8;
  if (buf.length < 2 + extra) return null;
  const payload = len === 126 ? buf.readUInt16BE(2) : Number(buf.readBigUInt64BE(2));
  return { header: 2 + extra + masked, payload };
};

/**
 * Records the frames a WebSocket client's socket receives after the handshake, from its raw
 * bytes: what a frame cost on the wire and whether it was compressed, which the client API hides.
 * Attach at the client's `open` event, to the socket of its `upgrade` event: at `upgrade` the
 * listener would set the socket flowing, and the frames read with the handshake (which `ws`
 * unshifts) would reach only this listener, never the client.
 */
export const recordWireFrames = (socket: Readable): WireFrame[] => {
  const frames: WireFrame[] = [];
  let pending = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    pending = Buffer.concat([pending, chunk]);
    for (let h = headerLength(pending); h && pending.length >= h.header + h.payload; h = headerLength(pending)) {
      const b0 = pending[0]!;
      frames.push({ opcode: b0 & 0x0f, fin: (b0 & 0x80) !== 0, compressed: (b0 & 0x40) !== 0, wireBytes: h.header + h.payload });
      pending = pending.subarray(h.header + h.payload);
    }
  });
  return frames;
};

/** The data frames (text, binary, continuation) among them: one per message unless fragmented. */
export const dataFrames = (frames: WireFrame[]): WireFrame[] => frames.filter((f) => f.opcode < 8);
