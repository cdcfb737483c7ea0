import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { oneChat, type ChatResult, type FrameSocket } from '../chat-user';
import type { Recorders } from '../histogram';
import type { Target } from '../topology';

const now = (): number => performance.timeOrigin + performance.now();

/**
 * Presents a Socket.IO socket as the `message`/`send` socket `oneChat` measures, so both
 * protocols are timed by the same code: each event's frame object is handed over as JSON text
 * (one stringify per frame on the client, the only cost the adapter adds), and a sent frame is
 * emitted as an event named after its type.
 */
const asFrameSocket = (socket: Socket): FrameSocket => {
  const wrapped = new Map<(raw: Buffer) => void, (event: string, frame: unknown) => void>();
  const adapter = {
    on: (_event: 'message', listener: (raw: Buffer) => void) => {
      const any = (_name: string, frame: unknown) => listener(Buffer.from(JSON.stringify(frame)));
      wrapped.set(listener, any);
      socket.onAny(any);
      return adapter;
    },
    off: (_event: 'message', listener: (raw: Buffer) => void) => {
      const any = wrapped.get(listener);
      if (any) socket.offAny(any);
      wrapped.delete(listener);
      return adapter;
    },
    send: (data: string) => {
      const frame = JSON.parse(data) as { type: string };
      socket.emit(frame.type, frame);
    },
  };
  // ws's overloaded signatures are wider than what oneChat calls; this adapter covers those calls.
  return adapter as unknown as FrameSocket;
};

/** Opens a Socket.IO connection (WebSocket transport only) and waits for `connection_established`. */
export const openSocketIo = (url: string, userId: string, token: string, rec: Recorders, timeoutMs = 30000): Promise<Socket> =>
  new Promise((resolve, reject) => {
    const started = now();
    const socket = io(url, { transports: ['websocket'], auth: { userId, token }, reconnection: false, forceNew: true, timeout: timeoutMs });
    const timer = setTimeout(() => (socket.disconnect(), reject(new Error('connect_timeout'))), timeoutMs);
    socket.once('connection_established', () => {
      clearTimeout(timer);
      rec.get('connect').record(now() - started);
      resolve(socket);
    });
    socket.once('connect_error', (err) => (clearTimeout(timer), reject(err)));
  });

/** The Socket.IO twin of `runChatUser`: connect to `url`, run `chats` chats, disconnect. */
export const runSocketIoUser = async (
  url: string,
  target: Target,
  userId: string,
  o: { chats: number; timeoutMs: number },
  rec: Recorders,
  onResult: (r: ChatResult) => void,
): Promise<void> => {
  let socket: Socket;
  try {
    socket = await openSocketIo(url, userId, await target.tokens.issue(userId), rec);
  } catch (err) {
    return onResult({ ok: false, cause: `connect:${(err as Error).message}`, tokens: 0, lost: 0, duplicated: 0, reordered: 0 });
  }
  const frames = asFrameSocket(socket);
  for (let i = 0; i < o.chats; i += 1) onResult(await oneChat(frames, `负载测试 ${userId} #${i} ${randomUUID()}`, rec, target, o.timeoutMs));
  socket.disconnect();
};
