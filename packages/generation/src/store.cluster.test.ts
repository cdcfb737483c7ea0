import { createKeys, createLogger, createRedis, waitForRedis, type RedisClient } from '@aurawell/platform';
import { TestRedisCluster } from '@aurawell/testkit';
import { createGenerationStore } from './store';
import { FrameSequencer } from './fanout';

// The generation store on a real Redis Cluster (3 primaries), through the services' own client
// (auto-pipelining on): calls for users on different primaries, sent together, each reach their
// user's primary, and every script keeps to its user's slot.
let cluster: TestRedisCluster;
let redis: RedisClient;
const logger = createLogger('store-cluster-test', 'silent');

beforeAll(async () => {
  cluster = await TestRedisCluster.start();
  const nodes = cluster.nodes.split(',').map((n) => ({ host: '127.0.0.1', port: Number(n.split(':')[1]) }));
  redis = createRedis({ kind: 'cluster', nodes, tls: false }, { name: 'store-cluster-test', role: 'command', logger });
  await waitForRedis(redis, 20000);
}, 60000);

afterAll(async () => {
  redis?.disconnect();
  await cluster?.destroy();
});

const frame = (messageId: string, seq: number, status = 'streaming') => JSON.stringify({ type: 'status_update', status, message_id: messageId, seq });

test('60 users on every primary at once: start, claim, appends and the end all land, in order, in one slot each', async () => {
  const keys = createKeys('awc');
  const store = createGenerationStore(redis, keys, { maxFrames: 100, retentionMs: 60000 });
  const users = Array.from({ length: 60 }, (_, i) => `cluster_user_${i}`);
  const primaries = new Set(await Promise.all(users.map((u) => cluster.primaryOf(keys.generationMeta(u, 'm')))));
  expect(primaries.size).toBe(3);
  const results = await Promise.all(
    users.map(async (userId) => {
      const messageId = `m_${userId}`;
      const started = await store.start({ userId, messageId, conversationId: 'c', sendingFrame: frame(messageId, 1, 'sending'), maxRunning: 2, deadlineMs: 60000 });
      const claimed = await store.claim(userId, messageId, 'w');
      const appends = [];
      for (let seq = 2; seq <= 5; seq += 1) appends.push(await store.append({ userId, messageId, owner: 'w', seq, frame: frame(messageId, seq) }));
      appends.push(await store.append({ userId, messageId, owner: 'w', seq: 6, frame: frame(messageId, 6, 'done'), status: 'done' }));
      const stored = (await store.framesAfter(userId, messageId, 0)).map((f) => f.seq);
      return { started, claimed, appends, stored, meta: await store.meta(userId, messageId) };
    }),
  );
  for (const r of results) {
    expect(r).toMatchObject({ started: 'started', claimed: 1, appends: ['ok', 'ok', 'ok', 'ok', 'ok'], stored: [1, 2, 3, 4, 5, 6] });
    expect(r.meta?.status).toBe('done');
  }
  // Ended generations leave the reaper's index (its buckets spread over the primaries too).
  expect(await store.overdue(Date.now() + 3600_000)).toEqual([]);
}, 60000);

test('a sequencer repairs a generation from its stream on the cluster', async () => {
  const keys = createKeys('awc2');
  const store = createGenerationStore(redis, keys, { maxFrames: 100, retentionMs: 60000 });
  await store.start({ userId: 'u', messageId: 'm', conversationId: 'c', sendingFrame: frame('m', 1, 'sending'), maxRunning: 2, deadlineMs: 60000 });
  await store.claim('u', 'm', 'w');
  await store.append({ userId: 'u', messageId: 'm', owner: 'w', seq: 2, frame: frame('m', 2), status: 'streaming' });
  const sent: number[] = [];
  const seq = new FrameSequencer((f) => sent.push(f.seq), async (id, after) =>
    (await store.framesAfter('u', id, after)).map((f) => ({ messageId: id, seq: f.seq, terminal: f.seq === 2, raw: f.frame })), { stallRepairMs: 20 });
  seq.deliver({ messageId: 'm', seq: 1, terminal: false, raw: frame('m', 1, 'sending') });
  for (let i = 0; i < 200 && sent.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
  expect(sent).toEqual([1, 2]);
});
