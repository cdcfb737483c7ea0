import { createServer } from 'node:net';

/** A port that was free a moment ago (the OS picks it). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });

/** Polls `url` until it answers 200 (and `accept` takes the answer), or fails after `timeoutMs`. */
export const waitForHttp = async (
  url: string,
  timeoutMs: number,
  isAlive: () => boolean = () => true,
  accept: (res: Response) => boolean = () => true,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok && accept(res)) return;
    } catch {
      // not listening yet
    }
    if (!isAlive()) throw new Error(`process behind ${url} exited before it was ready`);
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
