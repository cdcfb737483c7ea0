import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** Starts listening; resolves with the server and the port it got (0 picks a free one). */
export const listen = (app: Express, port: number, host: string): Promise<{ server: Server; port: number }> =>
  new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      resolve({ server, port: (server.address() as AddressInfo).port });
    });
  });

/**
 * Stops accepting connections and waits for running requests; after `deadlineMs` the
 * connections still open are cut so shutdown can go on.
 */
export const closeServer = (server: Server, deadlineMs: number): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), deadlineMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
