import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenService } from '@aurawell/platform';
import { WebSocketServer } from 'ws';
import { connectionEstablished, createRelay, relayGeneration } from './relay-generation';

export type RelayServer = { port: number; close(): Promise<void> };

/**
 * The latency floor: one process, `/ws/chat/{user_id}?token=…`, and each `health_chat` streamed
 * from the simulator straight to the socket with the `openai` SDK. No queue, no Redis.
 */
export const startDirectRelay = async (o: { port: number; simUrl: string; secret: string }): Promise<RelayServer> => {
  const relay = createRelay(o.simUrl);
  const tokens = createTokenService(o.secret, { allowDevToken: false });
  const http = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://relay.invalid');
    const match = /^\/ws\/chat\/([^/]+)$/.exec(url.pathname);
    if (!match?.[1]) return socket.destroy();
    const userId = decodeURIComponent(match[1]);
    void tokens.verify(url.searchParams.get('token') ?? '').then((sub) =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        if (sub !== userId) return ws.close(4001, 'User ID mismatch');
        ws.send(JSON.stringify(connectionEstablished(userId)));
        ws.on('message', (raw: Buffer) => {
          let frame: { type?: string; data?: { message?: string }; request_id?: string };
          try {
            frame = JSON.parse(raw.toString()) as typeof frame;
          } catch {
            return;
          }
          if (frame.type !== 'health_chat' || typeof frame.data?.message !== 'string') return;
          void relayGeneration(relay, frame.data.message, (f) => ws.readyState === ws.OPEN && ws.send(JSON.stringify(f)), frame.request_id);
        });
      }),
    );
  });
  await new Promise<void>((resolve) => http.listen({ port: o.port, host: '127.0.0.1', backlog: 4096 }, resolve));
  return {
    port: (http.address() as AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        wss.clients.forEach((c) => c.terminate());
        http.close(() => resolve());
      }),
  };
};
