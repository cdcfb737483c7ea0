import { startTestSystem, type TestSystem } from './support/system';
import { connect } from './support/ws-client';

// The original WebSocket router's unauthenticated HTTP routes, answered by each gateway about itself.
let sys: TestSystem;

beforeAll(async () => {
  sys = await startTestSystem({ gateways: 2 });
}, 120000);

afterAll(async () => {
  await sys?.stop();
}, 60000);

const get = async (gateway: number, path: string) => {
  const res = await fetch(`${sys.stack.gatewayUrls[gateway]}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown> };
};
const connectTo = async (gateway: number, userId: string) =>
  connect(`${sys.stack.gatewayUrls[gateway]!.replace(/^http/, 'ws')}/ws/chat/${userId}?token=${await sys.tokens.issue(userId)}`);
const isRecentIso = (v: unknown) => typeof v === 'string' && Math.abs(Date.parse(v) - Date.now()) < 10000;

test('GET /ws/health and /ws/stats count this gateway’s connections and distinct users, never naming them', async () => {
  const clients = [await connectTo(0, 'stats_user_a'), await connectTo(0, 'stats_user_a'), await connectTo(0, 'stats_user_b'), await connectTo(1, 'stats_user_c')];

  const health = await get(0, '/ws/health');
  expect(health.status).toBe(200);
  expect(health.type).toContain('application/json');
  expect(health.body).toEqual({ status: 'healthy', service: 'websocket', gateway_id: expect.any(String), connections: 3, timestamp: expect.any(String) });
  expect(isRecentIso(health.body.timestamp)).toBe(true);

  const stats = await get(0, '/ws/stats');
  expect(stats.status).toBe(200);
  expect(stats.body).toEqual({
    active_connections: 3,
    active_users: 2,
    gateway_id: health.body.gateway_id,
    uptime_seconds: expect.any(Number),
    timestamp: expect.any(String),
  });
  expect(stats.body.uptime_seconds).toBeGreaterThanOrEqual(0);
  expect(JSON.stringify([health.body, stats.body])).not.toContain('stats_user');

  const other = await get(1, '/ws/stats');
  expect(other.body).toMatchObject({ active_connections: 1, active_users: 1 });
  expect(other.body.gateway_id).not.toBe(health.body.gateway_id);

  for (const c of clients) {
    c.close();
    await c.closed;
  }
  // The close is handled right after the client sees it; allow the gateway a moment.
  for (let i = 0; i < 50 && (await get(0, '/ws/stats')).body.active_connections !== 0; i++) await new Promise((r) => setTimeout(r, 20));
  expect((await get(0, '/ws/stats')).body).toMatchObject({ active_connections: 0, active_users: 0 });
});

test('other paths of the gateway stay 404', async () => {
  expect((await fetch(`${sys.stack.gatewayUrls[0]}/ws/chat/stats_user_a`)).status).toBe(404);
  expect((await fetch(`${sys.stack.gatewayUrls[0]}/ws/healthz`)).status).toBe(404);
});
