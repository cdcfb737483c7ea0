import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import type { Logger } from '@aurawell/platform';

export type Edge = {
  port: number;
  /** Where requests go from now on (a stack binds its edge first, then starts the services). */
  route(apiUrl: string, gatewayUrls: string[]): void;
  close(): Promise<void>;
};

/**
 * Round robin over the gateways with a passive health check, as nginx's max_fails/fail_timeout:
 * a gateway that refused a connection (`markDown`) is skipped for a few seconds; the client whose
 * attempt failed simply reconnects. With every gateway down it takes the next one anyway.
 */
const gatewayPicker = (urls: string[]): { next(): string; markDown(url: string): void } => {
  const downUntil = new Map<string, number>();
  let next = 0;
  return {
    next: () => {
      for (let i = 0; i < urls.length; i += 1) {
        const url = urls[next++ % urls.length] as string;
        if ((downUntil.get(url) ?? 0) <= Date.now()) return url;
      }
      return urls[next++ % urls.length] as string;
    },
    markDown: (url) => void downUntil.set(url, Date.now() + 5000),
  };
};

const STARTING = '{"detail":"Starting"}';

/** Listens, or rejects (a port taken meanwhile) instead of throwing from an 'error' event. */
const listenOn = (server: Server, port: number, host: string): Promise<void> =>
  new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => (server.off('error', reject), resolve()));
  });

/**
 * The development stand-in for the load balancer: one public origin where `/ws/*` goes to a
 * gateway (round robin) and everything else to the api, as the original single service did.
 * docker-compose and Kubernetes use nginx / an Ingress instead. Loopback only unless `host` says otherwise.
 */
/** A failed proxying: logged (see below), answered 502 when nothing was sent yet. */
const proxyErrorHandler =
  (logger: Logger) =>
  (err: Error, _req: unknown, res: unknown): void => {
    // A client that goes without a close handshake (a closed tab, a killed process) resets its
    // connection: routine, so only worth a debug line; anything else may be the stack's fault.
    const level = (err as NodeJS.ErrnoException).code === 'ECONNRESET' ? 'debug' : 'warn';
    logger[level]({ err }, 'edge proxy error');
    const r = res as Partial<ServerResponse & Duplex> | undefined;
    if (r?.writeHead && !r.headersSent) r.writeHead(502, { 'content-type': 'application/json' }).end('{"detail":"Bad Gateway"}');
    else r?.destroy?.();
  };

/** `apiUrl` '' starts the edge unrouted: it answers 503 until `route()` names the services. */
export const startEdge = async (opts: { port: number; host?: string; apiUrl: string; gatewayUrls: string[]; logger: Logger }): Promise<Edge> => {
  const proxy = createProxyServer({ xfwd: true });
  let apiUrl = opts.apiUrl;
  let gateways = gatewayPicker(opts.gatewayUrls);
  proxy.on('error', proxyErrorHandler(opts.logger));
  // Until the stack routes it (its services are still starting) the edge answers 503 itself.
  const routed = () => apiUrl !== '';
  const server: Server = createServer((req, res) => {
    if (!routed()) return void res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' }).end(STARTING);
    proxy.web(req, res, { target: (req.url ?? '').startsWith('/ws/') ? gateways.next() : apiUrl });
  });
  // Upgraded sockets are not closed by server.close(); track them so close() does not wait forever.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req, socket: Duplex, head) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    if (!(req.url ?? '').startsWith('/ws/')) return void socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    if (!routed()) return void socket.end(`HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: ${STARTING.length}\r\n\r\n${STARTING}`);
    const target = gateways.next();
    proxy.ws(req, socket, head, { target }, (err) => {
      if ((err as NodeJS.ErrnoException).code === 'ECONNREFUSED') gateways.markDown(target);
      socket.destroy();
    });
  });
  await listenOn(server, opts.port, opts.host ?? '127.0.0.1');
  return {
    port: (server.address() as AddressInfo).port,
    route: (api, gatewayUrls) => {
      apiUrl = api;
      gateways = gatewayPicker(gatewayUrls);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        for (const socket of upgraded) socket.destroy();
        server.close(() => resolve());
      }),
  };
};
