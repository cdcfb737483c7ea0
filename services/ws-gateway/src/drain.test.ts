import { drainConnections, type Drainable } from './drain';

/** A connection that records when it was asked to close, and finishes its handshake unless told to hang. */
const connection = (opts: { hang?: boolean } = {}) => {
  let resolveClosed: () => void = () => {};
  const c = {
    closedAt: null as number | null,
    code: null as number | null,
    terminated: false,
    closed: new Promise<void>((resolve) => (resolveClosed = resolve)),
    close(code: number) {
      c.closedAt = Date.now();
      c.code = code;
      if (!opts.hang) resolveClosed();
    },
    terminate() {
      c.terminated = true;
      resolveClosed();
    },
  };
  return c satisfies Drainable;
};

test('closes every connection with 1012, evenly spread over the window', async () => {
  const conns = Array.from({ length: 5 }, () => connection());
  const progress: number[] = [];
  const started = Date.now();
  await drainConnections(conns, { windowMs: 500, graceMs: 100, onProgress: (n) => progress.push(n) });
  expect(conns.every((c) => c.code === 1012)).toBe(true);
  const offsets = conns.map((c) => (c.closedAt as number) - started);
  // One every 100 ms: at 0, 100, 200, 300, 400 (timers never fire early, may fire a little late).
  offsets.forEach((offset, i) => expect(offset).toBeGreaterThanOrEqual(i * 100 - 2));
  expect(offsets[0]).toBeLessThan(50);
  expect(progress).toEqual([5, 4, 3, 2, 1, 0]);
});

test('a socket that does not finish its closing handshake within the grace period is terminated', async () => {
  const polite = connection();
  const stuck = connection({ hang: true });
  await drainConnections([polite, stuck], { windowMs: 0, graceMs: 50 });
  expect(polite.terminated).toBe(false);
  expect(stuck.terminated).toBe(true);
});

test('nothing to drain resolves at once', async () => {
  const progress: number[] = [];
  await drainConnections([], { windowMs: 10_000, graceMs: 10_000, onProgress: (n) => progress.push(n) });
  expect(progress).toEqual([0]);
});
