import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenService } from '@aurawell/platform';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import type { RelayServer } from './direct-relay';
import { connectionEstablished, createRelay, relayGeneration } from './relay-generation';

/** The room of a user's sockets, across every instance (the Redis adapter carries it). */
export const userRoom = (userId: string): string => `user:${userId}`;

/**
 * The usual Socket.IO fan-out: one instance of several sharing `@socket.io/redis-adapter` on
 * REDIS_URL under `key`. A `health_chat` event is streamed from the simulator and every frame is
 * emitted to the user's room as an event named after its type, carrying the same frame object.
 */
export const startSocketIoRelay = async (o: { port: number; simUrl: string; secret: string; redisUrl: string; key: string }): Promise<RelayServer> => {
  const relay = createRelay(o.simUrl);
  const tokens = createTokenService(o.secret, { allowDevToken: false });
  const pub = new Redis(o.redisUrl);
  const sub = pub.duplicate();
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], serveClient: false, adapter: createAdapter(pub, sub, { key: o.key }) });
  io.use((socket, next) => {
    const { userId, token } = socket.handshake.auth as { userId?: string; token?: string };
    void tokens.verify(token ?? '').then((sub) => (sub !== null && sub === userId ? next() : next(new Error('unauthorized'))));
  });
  io.on('connection', (socket) => {
    const userId = String((socket.handshake.auth as { userId: string }).userId);
    void socket.join(userRoom(userId));
    socket.emit('connection_established', connectionEstablished(userId));
    socket.on('health_chat', (frame: { data?: { message?: string } }) => {
      if (typeof frame?.data?.message !== 'string') return;
      void relayGeneration(relay, frame.data.message, (f) => io.to(userRoom(userId)).emit(f.type, f));
    });
  });
  await new Promise<void>((resolve) => http.listen({ port: o.port, host: '127.0.0.1', backlog: 4096 }, resolve));
  return {
    port: (http.address() as AddressInfo).port,
    close: async () => {
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      pub.disconnect();
      sub.disconnect();
    },
  };
};
