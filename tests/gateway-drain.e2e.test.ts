import { startTestSystem, type TestSystem } from './support/system';
import { connect, TestClient } from './support/ws-client';

// SIGTERM: readiness false and new upgrades refused at once, then the open connections are closed
// with 1012 spread over DRAIN_WINDOW_MS, so their clients do not reconnect to the others all at once.
const WINDOW_MS = 3000;
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ serviceEnv: { 'ws-gateway': { DRAIN_WINDOW_MS: String(WINDOW_MS) } } });
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('a gateway with 30 connections drains them with 1012 spread over the window and exits 0', async () => {
  const gw = sys.stack.gateways[0]!;
  const gatewayWs = sys.stack.gatewayUrls[0]!.replace(/^http/, 'ws');
  const ops = `http://127.0.0.1:${gw.opsPort}`;
  const clients = await Promise.all(Array.from({ length: 30 }, async (_, i) => connect(await sys.wsUrl(`drain_user_${i % 15}`))));
  let closedSoFar = 0;
  const closes = clients.map((c) => c.closed.then((closed) => (closedSoFar++, { ...closed, at: Date.now() })));
  expect((await fetch(`${ops}/readyz`)).status).toBe(200);

  const signalled = Date.now();
  gw.signal('SIGTERM');
  // Readiness turns false at once, while (almost) every connection is still open.
  while ((await fetch(`${ops}/readyz`)).status !== 503) await sleep(5);
  expect(closedSoFar).toBeLessThan(5);

  // While draining: no new upgrades (503), /ws/health says draining, the gauge shows progress.
  const late = new TestClient(`${gatewayWs}/ws/chat/late_user?token=${await sys.tokens.issue('late_user')}`);
  await expect(late.opened).rejects.toThrow('HTTP 503');
  const health = await fetch(`${sys.stack.gatewayUrls[0]}/ws/health`);
  expect(health.status).toBe(503);
  expect(await health.json()).toMatchObject({ status: 'draining' });
  await sleep(WINDOW_MS / 2 - (Date.now() - signalled));
  const metrics = await (await fetch(`${ops}/metrics`)).text();
  const remaining = Number(/^aurawell_ws_drain_remaining(?:\{[^}]*\})? (\d+)/m.exec(metrics)?.[1]);
  expect(remaining).toBeGreaterThan(0);
  expect(remaining).toBeLessThan(30);

  const closed = await Promise.all(closes);
  expect(closed.every((c) => c.code === 1012)).toBe(true);
  const times = closed.map((c) => c.at).sort((a, b) => a - b);
  // Spread, not all at once: first to last at least half the window (lower bounds only).
  expect(times[times.length - 1]! - times[0]!).toBeGreaterThanOrEqual(WINDOW_MS / 2);
  // Evenly: about half of them in the first half of the window, certainly not nearly all.
  expect(times.filter((t) => t - times[0]! < WINDOW_MS / 2).length).toBeLessThanOrEqual(20);
  expect(await gw.exited).toBe(0);
}, 60000);
