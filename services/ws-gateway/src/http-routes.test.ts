import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpRoutes, type GatewayStats } from './http-routes';

let server: Server;
let base: string;
const state = { connections: 3, users: 2, draining: false };
const stats: GatewayStats = {
  gatewayId: 'gw-test',
  startedAt: Date.now() - 5500,
  counts: () => ({ connections: state.connections, users: state.users }),
  draining: () => state.draining,
};

beforeAll(async () => {
  server = createServer(createHttpRoutes(stats));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const isoNow = (s: unknown) => typeof s === 'string' && Math.abs(Date.parse(s) - Date.now()) < 5000;

test('GET /ws/health: healthy, this gateway and its connection count', async () => {
  const res = await fetch(`${base}/ws/health`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toEqual({ status: 'healthy', service: 'websocket', gateway_id: 'gw-test', connections: 3, timestamp: expect.any(String) });
  expect(isoNow(body.timestamp)).toBe(true);
});

test('GET /ws/stats: connections, distinct users, uptime; no user ids', async () => {
  const res = await fetch(`${base}/ws/stats?x=1`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as Record<string, unknown>;
  expect(body).toEqual({ active_connections: 3, active_users: 2, gateway_id: 'gw-test', uptime_seconds: expect.any(Number), timestamp: expect.any(String) });
  expect(body.uptime_seconds).toBeGreaterThanOrEqual(5);
  expect(Number.isInteger(body.uptime_seconds)).toBe(true);
});

test('a draining gateway answers /ws/health with 503 draining', async () => {
  state.draining = true;
  try {
    const res = await fetch(`${base}/ws/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ status: 'draining', service: 'websocket' });
  } finally {
    state.draining = false;
  }
});

test('other paths are 404, other methods 405', async () => {
  expect((await fetch(`${base}/ws/chat/user_001`)).status).toBe(404);
  expect((await fetch(`${base}/`)).status).toBe(404);
  expect((await fetch(`${base}/ws/stats`, { method: 'POST' })).status).toBe(405);
});
