import { randomUUID } from 'node:crypto';
import { checkGeneration } from '../support/checks';
import { startTestSystem, type TestSystem } from '../support/system';
import { chat, connect } from '../support/ws-client';
import { startNginx, type Nginx } from '../support/nginx';

// The real nginx (Debian's package) with the production routing rules, in front of the real
// fleet: the template is rendered the way the official nginx image does it (envsubst over
// /etc/nginx/templates) and compose's upstream file gets loopback addresses instead of names.

let sys: TestSystem;
let nginx: Nginx | undefined;
let edge: string;

beforeAll(async () => {
  sys = await startTestSystem({ gateways: 2 });
  nginx = await startNginx(sys);
  edge = nginx.host;
  expect(nginx.upstreams).not.toMatch(/server\s+(?!127\.0\.0\.1:)/);
  expect(nginx.siteConf).not.toContain('${');
}, 120000);

afterAll(async () => {
  await nginx?.stop();
  await sys?.stop();
}, 60000);

/** A chat URL through nginx, built exactly as the test system builds its edge URLs. */
const viaNginx = async (userId: string): Promise<string> => (await sys.wsUrl(userId)).replace(/^ws:\/\/[^/]+/, `ws://${edge}`);

const simulatorText = (message: string): string => {
  const sent = sys.sim.transcripts().filter((t) => t.lastUserMessage === message);
  expect(sent).toHaveLength(1);
  return sent[0]!.content;
};

/** One chat through nginx that must end `done` with exactly the simulator's text. */
const chatExactly = async (userId: string): Promise<void> => {
  const client = await connect(await viaNginx(userId));
  expect(client.frames[0]).toMatchObject({ type: 'connection_established', user_id: userId });
  const message = `我最近睡眠不好，怎么办？ ${randomUUID()}`;
  const { frames } = await chat(client, message);
  const { status, text } = checkGeneration(frames);
  expect(status).toBe('done');
  expect(text).toBe(simulatorText(message));
  client.close();
  await client.closed;
};

test('REST goes to the api', async () => {
  const res = await fetch(`http://${edge}/api/v1/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ success: true, status: 'success' });
  const log = nginx!.readLog('access');
  expect(log).toMatch(/"GET \/api\/v1\/health HTTP\/1\.1" 200/);
});

/** Connections a gateway has accepted so far (its own counter on the ops port). */
const accepted = async (gateway: number): Promise<number> => {
  const res = await fetch(`http://127.0.0.1:${sys.stack.gateways[gateway]!.opsPort}/metrics`);
  const value = (await res.text()).match(/^aurawell_ws_connects_total(?:\{[^}]*\})? (\d+)/m)?.[1];
  if (value === undefined) throw new Error(`gateway ${gateway} exports no aurawell_ws_connects_total`);
  return Number(value);
};

test('a WebSocket upgrade with a token reaches a gateway and a health_chat completes with the exact text', async () => {
  await chatExactly('user_001');
});

test('new connections are spread over both gateways (no stickiness)', async () => {
  const before = await Promise.all([accepted(0), accepted(1)]);
  for (let i = 0; i < 4; i++) {
    const client = await connect(await viaNginx('user_002'));
    client.close();
    await client.closed;
  }
  const after = await Promise.all([accepted(0), accepted(1)]);
  expect(after[0]! - before[0]! + after[1]! - before[1]!).toBe(4);
  expect(after[0]! - before[0]!).toBeGreaterThan(0);
  expect(after[1]! - before[1]!).toBeGreaterThan(0);
});

/** The log once `done` accepts it (nginx writes a WebSocket's line when the connection ends). */
const logOnce = async (name: 'access' | 'error', done: (log: string) => boolean): Promise<string> => {
  for (let waited = 0; ; waited += 100) {
    const log = nginx!.readLog(name);
    if (done(log) || waited >= 10000) return log;
    await new Promise((r) => setTimeout(r, 100));
  }
};

test('after a gateway is killed, new connections through nginx still succeed and chats complete', async () => {
  const killed = sys.stack.gateways[0]!;
  killed.signal('SIGKILL');
  await killed.exited;
  // Round robin would send every other connection to the dead gateway; nginx must skip it.
  for (let i = 0; i < 6; i++) {
    const client = await connect(await viaNginx('user_002'));
    expect(client.frames[0]).toMatchObject({ type: 'connection_established', user_id: 'user_002' });
    client.close();
    await client.closed;
  }
  await chatExactly('user_001');
  // The /ws/ error log keeps only "crit" (its lines carry the query); the access log records the failover.
  const failover = /"GET \/ws\/chat\/user_002 HTTP\/1\.1" 101 .* upstream_status=502, 101$/m;
  expect(await logOnce('access', (log) => failover.test(log))).toMatch(failover);
}, 60000);

// Last: it also reads what the tests before it left in the logs, the connects that failed on the
// killed gateway included (before the fix, each was an error line ending in "?token=eyJ…").
test('the access and error logs name each chat connection by its path, never its JWT or ticket', async () => {
  const jwt = await sys.tokens.issue('user_001');
  const res = await fetch(`http://${edge}/api/v1/ws/ticket`, { method: 'POST', headers: { authorization: `Bearer ${jwt}` } });
  const { ticket } = ((await res.json()) as { data: { ticket: string } }).data;
  const path = `ws://${edge}/ws/chat/user_001`;
  const upgrades = (log: string) => log.match(/"GET \/ws\/chat\/user_001 HTTP\/1\.1" 101 /g)?.length ?? 0;
  const before = upgrades(nginx!.readLog('access'));
  for (const url of [`${path}?token=${jwt}&device_id=nginx-log-0001`, `${path}?ticket=${encodeURIComponent(ticket)}`]) {
    const client = await connect(url);
    expect(client.frames[0]).toMatchObject({ type: 'connection_established', user_id: 'user_001' });
    client.close();
    await client.closed;
  }
  const access = await logOnce('access', (log) => upgrades(log) >= before + 2);
  // The path is logged (so an empty or query-less log cannot pass for a redacted one)...
  expect(upgrades(access)).toBe(before + 2);
  // ...and no credential, in either log: not these two, not any other test's.
  for (const log of [access, nginx!.readLog('error')]) {
    for (const secret of [jwt, ticket, encodeURIComponent(ticket)]) expect(log.includes(secret)).toBe(false);
    expect(log).not.toMatch(/[?&](token|ticket)=/);
    expect(log).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  }
});
