import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './logger';

export type OpsServer = { port: number; close(): Promise<void> };

/**
 * /metrics, /healthz (the process answers) and /readyz (it should get traffic) on a port of
 * their own, so they are never exposed through the public load balancer.
 */
export const startOpsServer = async (opts: {
  port: number;
  host?: string;
  registry: Registry;
  isReady: () => boolean;
  logger: Logger;
}): Promise<OpsServer> => {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    if (path === '/readyz') {
      const ready = opts.isReady();
      // Which process answered: a launcher that picked this port can tell its own service from
      // another that took the port first (the answer of a stranger is not "ready").
      const headers = { 'content-type': 'text/plain', 'x-process-id': String(process.pid) };
      return void res.writeHead(ready ? 200 : 503, headers).end(ready ? 'ready' : 'not ready');
    }
    if (path === '/metrics') {
      opts.registry
        .metrics()
        .then((body) => res.writeHead(200, { 'content-type': opts.registry.contentType }).end(body))
        .catch((err: unknown) => {
          opts.logger.error({ err }, 'metrics collection failed');
          res.writeHead(500).end();
        });
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(opts.port, opts.host ?? '0.0.0.0', resolve));
  const port = (server.address() as AddressInfo).port;
  opts.logger.info({ opsPort: port }, 'ops server listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
