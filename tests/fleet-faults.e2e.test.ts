import { randomUUID } from 'node:crypto';
import { checkGeneration, mergeBySeq } from './support/checks';
import { startNginx, throughNginx, type Nginx } from './support/nginx';
import { appliedFrames, endedWithin, SdkUser } from './support/sdk-client';
import { startTestSystem, type TestSystem } from './support/system';
import { connect, TestClient } from './support/ws-client';

// Two gateways behind the real nginx with the production rules; one dies under load, its clients
// reconnect through nginx to the other and resume (with the client SDK, as a user's app would).
let sys: TestSystem;
let nginx: Nginx;
const wsUrl = async (userId: string) => throughNginx(await sys.wsUrl(userId), nginx);

beforeAll(async () => {
  // The default liveness TTL (15 s): a crashed gateway's users must not wait for it.
  sys = await startTestSystem({ gateways: 2 });
  nginx = await startNginx(sys);
}, 120000);

afterAll(async () => {
  SdkUser.closeAll();
  await nginx?.stop();
  await sys?.stop();
}, 60000);

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
  const clients = await Promise.all(users.map(async (u) => new SdkUser({ baseUrl: `http://${nginx.host}`, userId: u, auth: { token: await sys.tokens.issue(u) } })));
  await Promise.all(clients.map((c) => c.opened()));
  const messages = users.map((u) => `网关故障 [[sim:tps=30]] ${u} ${randomUUID()}`);
  const gens = clients.map((c, i) => c.client.healthChat(messages[i]!));
  const applied = gens.map(appliedFrames);
  // A user with all three devices on the gateway that is about to die.
  const ghostToken = await sys.tokens.issue('ghost_user');
  const direct = `${sys.stack.gatewayUrls[0]!.replace(/^http/, 'ws')}/ws/chat/ghost_user?token=${ghostToken}`;
  await Promise.all([0, 1, 2].map(() => connect(direct)));
  // Let every answer get going before the crash.
  await Promise.all(gens.map((g) => new Promise<void>((resolve) => {
    const off = g.on('frame', (f) => f.seq !== undefined && f.seq >= 10 && (off(), resolve()));
  })));
  sys.stack.gateways[0]!.signal('SIGKILL');
  const results = await Promise.all(gens.map((g) => endedWithin(g)));
  clients.forEach((c, i) => {
    const messageId = gens[i]!.messageId!;
    const expected = sys.sim.transcripts().find((t) => t.lastUserMessage === messages[i])!.content;
    // What the application got: exactly the simulator's text.
    expect(results[i]).toMatchObject({ state: 'done', text: expected });
    // What came over the wire, from every socket in turn: seq 1..n without gap, one terminal status.
    // A client that kept its socket got each frame exactly once; one that resumed may have had a
    // frame twice (live on the new socket, then in the replay), but only the very same frame.
    const wire = c.generation(messageId);
    const { status, text } = checkGeneration(c.reconnects === 0 ? wire : mergeBySeq(wire));
    expect(status).toBe('done');
    expect(text).toBe(expected);
    expect(applied[i]).toEqual(mergeBySeq(wire));
  });
  // About half the clients were on the dead gateway; each of those reconnected.
  const reconnected = clients.filter((c) => c.reconnects > 0).length;
  expect(reconnected).toBeGreaterThan(0);
  expect(reconnected).toBeLessThan(clients.length);
  clients.forEach((c) => c.close());

  // The dead gateway's registrations stop counting the moment its process is gone (Redis dropped
  // its connection), long before its liveness key (15 s) lapses: all three devices get back in at
  // once, on their first try.
  await sys.stack.gateways[0]!.exited;
  const back = await Promise.all([0, 1, 2].map(async () => new TestClient(await wsUrl('ghost_user'))));
  const outcomes = await Promise.all(
    back.map((c) => Promise.race([c.next((f) => f.type === 'connection_established', 20000).then(() => 'admitted'), c.closed.then(({ code }) => `closed ${code}`)])),
  );
  expect(outcomes).toEqual(['admitted', 'admitted', 'admitted']);
  back.forEach((c) => c.close());
}, 120000);
