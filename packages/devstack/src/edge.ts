import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import type { Logger } from '@aurawell/platform';

export type Edge = { port: number; close(): Promise<void> };

/**
 * The development stand-in for the load balancer: one public origin where `/ws/*` goes to a
 * gateway (round robin) and everything else to the api, as the original single service did.
 * docker-compose and Kubernetes use nginx / an Ingress instead.
 */
export const startEdge = async (opts: { port: number; host?: string; apiUrl: string; gatewayUrls: string[]; logger: Logger }): Promise<Edge> => {
  const proxy = createProxyServer({ xfwd: true });
  let next = 0;
  const gateway = () => opts.gatewayUrls[next++ % opts.gatewayUrls.length] as string;
  proxy.on('error', (err, _req, res) => {
    opts.logger.warn({ err: err.message }, 'edge proxy error');
    if (res && 'writeHead' in res && !res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end('{"detail":"Bad Gateway"}');
    else if (res && 'destroy' in res) res.destroy();
  });
  const server: Server = createServer((req, res) => proxy.web(req, res, { target: opts.apiUrl }));
  // Upgraded sockets are not closed by server.close(); track them so close() does not wait forever.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req, socket: Duplex, head) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    if (!(req.url ?? '').startsWith('/ws/')) return void socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    proxy.ws(req, socket, head, { target: gateway() });
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host ?? '0.0.0.0', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
