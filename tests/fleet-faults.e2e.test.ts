import { randomUUID } from 'node:crypto';
import { checkGeneration } from './support/checks';
import { startNginx, throughNginx, type Nginx } from './support/nginx';
import { ResumingClient } from './support/resuming-client';
import { startTestSystem, type TestSystem } from './support/system';
import { connect, TestClient } from './support/ws-client';

// Two gateways behind the real nginx with the production rules; one dies under load, its clients
// reconnect through nginx to the other and resume.
let sys: TestSystem;
let nginx: Nginx;
const wsUrl = async (userId: string) => throughNginx(await sys.wsUrl(userId), nginx);

beforeAll(async () => {
  sys = await startTestSystem({ gateways: 2, serviceEnv: { 'ws-gateway': { GATEWAY_TTL_MS: '1500' } } });
  nginx = await startNginx(sys);
}, 120000);

afterAll(async () => {
  await nginx?.stop();
  await sys?.stop();
}, 60000);

/** Opens `n` connections for one user, retrying refused ones until `timeoutMs`. */
const admitWithin = async (url: string, n: number, timeoutMs: number): Promise<TestClient[]> => {
  const admitted: TestClient[] = [];
  const end = Date.now() + timeoutMs;
  while (admitted.length < n && Date.now() < end) {
    const c = new TestClient(url);
    const outcome = await Promise.race([c.next((f) => f.type === 'connection_established', 5000).then(() => 'ok'), c.closed.then(() => 'closed')]);
    if (outcome === 'ok') admitted.push(c);
    else await new Promise((r) => setTimeout(r, 200));
  }
  return admitted;
};

test('50 simultaneous connects of one user across the fleet: exactly 3 are admitted', async () => {
  const url = await wsUrl('racing_user');
  const attempts = Array.from({ length: 50 }, () => new TestClient(url));
  const outcomes = await Promise.all(
    attempts.map((c) =>
      Promise.race([
        c.next((f) => f.type === 'connection_established', 20000).then(() => 'admitted' as const),
        c.closed.then(({ code }) => (code === 4029 ? ('refused' as const) : (`closed ${code}` as const))),
      ]),
    ),
  );
  expect(outcomes.filter((o) => o === 'admitted')).toHaveLength(3);
  expect(outcomes.filter((o) => o === 'refused')).toHaveLength(47);
  attempts.forEach((c) => c.close());
}, 60000);

test('kill -9 of a gateway with live streams: every client reconnects, resumes and ends with the exact text', async () => {
  const users = Array.from({ length: 20 }, (_, i) => `gw_kill_${i}`);
  const clients = users.map((u) => new ResumingClient(() => wsUrl(u)));
  await Promise.all(clients.map((c) => c.open()));
  const messages = users.map((u) => `网关故障 [[sim:tps=30]] ${u} ${randomUUID()}`);
  clients.forEach((c, i) => c.send({ type: 'health_chat', data: { message: messages[i] } }));
  // A user with all three devices on the gateway that is about to die.
  const ghostToken = await sys.tokens.issue('ghost_user');
  const direct = `${sys.stack.gatewayUrls[0]!.replace(/^http/, 'ws')}/ws/chat/ghost_user?token=${ghostToken}`;
  await Promise.all([0, 1, 2].map(() => connect(direct)));
  // Let every answer get going before the crash.
  await new Promise((r) => setTimeout(r, 1000));
  sys.stack.gateways[0]!.signal('SIGKILL');
  await Promise.all(clients.map(async (c) => {
    const [messageId] = c.messageIds();
    await c.waitFinished(messageId!);
  }));
  clients.forEach((c, i) => {
    const frames = c.generation(c.messageIds()[0]!);
    const { status, text } = checkGeneration(frames);
    expect(status).toBe('done');
    expect(text).toBe(sys.sim.transcripts().find((t) => t.lastUserMessage === messages[i])!.content);
  });
  // About half the clients were on the dead gateway; each of those reconnected.
  const reconnected = clients.filter((c) => c.reconnects > 0).length;
  expect(reconnected).toBeGreaterThan(0);
  expect(reconnected).toBeLessThan(clients.length);
  clients.forEach((c) => c.close());

  // The dead gateway's registrations stop counting once its liveness key lapses (1.5 s here),
  // long before they would expire: the user gets all three devices back.
  const back = await admitWithin(await wsUrl('ghost_user'), 3, 10000);
  expect(back).toHaveLength(3);
  back.forEach((c) => c.close());
}, 120000);
