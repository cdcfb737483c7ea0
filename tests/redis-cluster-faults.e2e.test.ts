import { randomUUID } from 'node:crypto';
import { Cluster } from 'ioredis';
import { createKeys } from '@aurawell/platform';
import { TestRedisCluster } from '@aurawell/testkit';
import { checkGeneration } from './support/checks';
import { endedWithin, SdkUser } from './support/sdk-client';
import { startTestSystem, type TestSystem } from './support/system';

// The fleet on a Redis Cluster of the test's own (3 primaries, 3 replicas) whose nodes the test
// kills, freezes and reshards while answers stream. Users run the client SDK and must not notice:
// every answer ends `done` with the simulator's exact text, every frame reaches the socket once and
// in order, and nobody reconnects.
let cluster: TestRedisCluster;
let sys: TestSystem;

beforeAll(async () => {
  cluster = await TestRedisCluster.start({ primaries: 3, nodeTimeoutMs: 2000 });
  sys = await startTestSystem({ redisClusterNodes: cluster.nodes, gateways: 2, workers: 2, sim: { tokensPerSecond: 25 } });
}, 180000);

afterAll(async () => {
  SdkUser.closeAll();
  await sys?.stop();
  await cluster?.destroy();
}, 120000);

const connectUsers = async (userIds: string[]): Promise<SdkUser[]> => {
  const users = await Promise.all(userIds.map(async (u) => new SdkUser({ baseUrl: sys.stack.edgeUrl, userId: u, auth: { token: await sys.tokens.issue(u) } })));
  await Promise.all(users.map((u) => u.opened(30000)));
  return users;
};

/** Each user asks one question; resolves once every answer is under way (seq ≥ `seq`). */
const askAll = async (users: SdkUser[], label: string, seq = 6) => {
  // About 6 s per answer: the fault lands in the middle of every stream.
  const messages = users.map((_, i) => `${label} [[sim:tokens=150]] ${i} ${randomUUID()}`);
  const gens = users.map((u, i) => u.client.healthChat(messages[i]!));
  await Promise.all(gens.map((g) => new Promise<void>((resolve) => {
    const off = g.on('frame', (f) => f.seq !== undefined && f.seq >= seq && (off(), resolve()));
  })));
  return { messages, gens };
};

/** Every answer ended `done` with the simulator's text, each frame once and in order on the one socket each user kept. */
const expectAllExact = async (users: SdkUser[], run: Awaited<ReturnType<typeof askAll>>) => {
  const results = await Promise.all(run.gens.map((g) => endedWithin(g, 90000)));
  users.forEach((u, i) => {
    const expected = sys.sim.transcripts().find((t) => t.lastUserMessage === run.messages[i])!.content;
    expect({ user: i, state: results[i]!.state, exact: results[i]!.text === expected }).toEqual({ user: i, state: 'done', exact: true });
    const { status, text } = checkGeneration(u.generation(run.gens[i]!.messageId!));
    expect(status).toBe('done');
    expect(text).toBe(expected);
    expect(u.reconnects).toBe(0);
  });
};

/** Nothing stays `streaming`: the running index (every bucket) empties once the answers ended. */
const expectNothingRunning = async () => {
  const keys = createKeys(sys.prefix);
  const redis = new Cluster(cluster.nodes.split(',').map((n) => ({ host: '127.0.0.1', port: Number(n.split(':')[1]) })));
  try {
    let running = -1;
    for (let i = 0; i < 50 && running !== 0; i += 1) {
      running = (await Promise.all(keys.runningGenerationBuckets.map((k) => redis.zcard(k)))).reduce((a, b) => a + b, 0);
      if (running !== 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(running).toBe(0);
  } finally {
    redis.disconnect();
  }
};

/** A new user connects, chats and cancels normally. */
const expectServiceBack = async (label: string) => {
  const [fresh] = await connectUsers([`${label}_${randomUUID().slice(0, 8)}`]);
  const message = `${label} 恢复后 ${randomUUID()}`;
  const result = await endedWithin(fresh!.client.healthChat(message), 30000);
  expect(result).toMatchObject({ state: 'done', text: sys.sim.transcripts().find((t) => t.lastUserMessage === message)!.content });
  const cancelled = fresh!.client.healthChat(`${label} 取消 [[sim:tps=5]] ${randomUUID()}`);
  await new Promise<void>((resolve) => {
    const off = cancelled.on('frame', (f) => f.type === 'chat_stream' && (off(), resolve()));
  });
  fresh!.client.cancel(cancelled);
  expect((await endedWithin(cancelled, 30000)).state).toBe('cancelled');
  fresh!.close();
};

// The reshard first, on a cluster every node agrees on (after a failover and a revived node,
// redis-cli may refuse to reshard for a while).
test('slots of live users move to another primary mid-answer (reshard): MOVED/ASK followed, nothing lost or repeated', async () => {
  const first = await cluster.primaryOfSlot(0);
  const target = (await cluster.primaries()).find((p) => p !== first)!;
  // Users whose slot is below 600: `first` serves slot 0 and on, and the reshard moves its 600 lowest.
  const ids: string[] = [];
  for (let batch = 0; ids.length < 20; batch += 1) {
    const candidates = Array.from({ length: 200 }, (_, i) => `reshard_${batch * 200 + i}`);
    const slots = await Promise.all(candidates.map((id) => cluster.slotOf(`{u:${id}}`)));
    ids.push(...candidates.filter((_, i) => slots[i]! < 600));
  }
  ids.splice(20);
  const users = await connectUsers(ids);
  const run = await askAll(users, '迁移槽位');
  await cluster.moveSlots(first, target, 600);
  for (const id of ids) expect(await cluster.primaryOf(`{u:${id}}`)).toBe(target);
  await expectAllExact(users, run);
  await expectNothingRunning();
  await expectServiceBack('reshard');
  users.forEach((u) => u.close());
}, 240000);

test('kill -9 of a primary under 60 live streams: its replica takes over, every answer ends exact, nobody reconnects', async () => {
  const users = await connectUsers(Array.from({ length: 60 }, (_, i) => `cluster_kill_${i}`));
  const run = await askAll(users, '主节点故障');
  // The primary that serves the most of these users.
  const owners = await Promise.all(users.map((_, i) => cluster.primaryOf(`{u:cluster_kill_${i}}`)));
  const counts = new Map<number, number>();
  owners.forEach((p) => counts.set(p, (counts.get(p) ?? 0) + 1));
  const victim = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
  await cluster.kill(victim);
  await expectAllExact(users, run);
  expect(await cluster.primaries()).not.toContain(victim);
  await expectNothingRunning();
  await expectServiceBack('failover');
  users.forEach((u) => u.close());
  // The old primary comes back as a replica of its successor; the cluster is whole again.
  await cluster.revive(victim);
  await cluster.waitHealthy();
}, 240000);

test('the whole cluster unreachable for 5 s mid-answer: sockets stay open, every answer ends exact', async () => {
  const users = await connectUsers(Array.from({ length: 20 }, (_, i) => `cluster_freeze_${i}`));
  const run = await askAll(users, '集群不可达');
  await cluster.freeze(5000);
  await expectAllExact(users, run);
  await expectNothingRunning();
  await expectServiceBack('freeze');
  users.forEach((u) => u.close());
}, 240000);
