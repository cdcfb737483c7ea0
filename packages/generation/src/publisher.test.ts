import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createKeys, type Keys } from '@aurawell/platform';
import { createGenerationStore, type GenerationStore } from './store';
import { statusUpdateFrame } from '@aurawell/protocol';
import { deleteKeysWithPrefix, testPrefix, testRedisUrl } from '@aurawell/testkit';
import { GenerationPublisher } from './publisher';

let prefix: string;
let keys: Keys;
let redis: Redis;
let store: GenerationStore;

beforeAll(() => {
  prefix = testPrefix();
  keys = createKeys(prefix);
  redis = new Redis(testRedisUrl(), { enableAutoPipelining: true });
  store = createGenerationStore(redis, keys, { maxFrames: 1000, retentionMs: 60_000 });
});

afterAll(async () => {
  await redis.quit();
  await deleteKeysWithPrefix(prefix);
});

/** A generation claimed by `owner` (seq 1 = the gateway's `sending`), and a store that records each write. */
const claimed = async (over: (s: GenerationStore) => Partial<GenerationStore> = () => ({})) => {
  const userId = `u_${randomUUID().slice(0, 8)}`;
  const ref = { messageId: `msg_${randomUUID().slice(0, 12)}`, conversationId: 'conv_1' };
  const sendingFrame = JSON.stringify(statusUpdateFrame(ref, 1, 'sending'));
  await store.start({ userId, messageId: ref.messageId, conversationId: ref.conversationId, sendingFrame, maxRunning: 5, deadlineMs: 60_000 });
  const owner = randomUUID();
  await store.claim(userId, ref.messageId, owner);
  const writes: number[] = [];
  const recording: GenerationStore = {
    ...store,
    append: async (a) => {
      writes.push(typeof a.frame === 'string' ? 1 : a.frame.length);
      return store.append(a);
    },
    ...over(store),
  };
  const stored = async () => (await store.framesAfter(userId, ref.messageId, 0)).map((f) => JSON.parse(f.frame) as { seq: number; type: string; delta?: string; status?: string });
  return { userId, ref, owner, writes, recording, stored };
};

/** A stored frame as text: a delta, or a status frame's status. */
const text = (f: { type: string; delta?: string; status?: string }) => (f.type === 'status_update' ? f.status : f.delta);

describe('GenerationPublisher', () => {
  it('writes frames handed over while a write is under way together, each still its own frame in seq order', async () => {
    const g = await claimed();
    const pub = new GenerationPublisher(g.recording, g.userId, g.owner, g.ref, 1);
    for (let i = 0; i < 10; i += 1) pub.content(`d${i}`);
    expect(await pub.done({ text: 'x', usage: null, finishReason: 'stop' })).toBe(true);
    // The first frame went at once; the other nine and the status queued behind it and went in one write.
    expect(g.writes).toEqual([1, 10]);
    const frames = await g.stored();
    expect(frames.map((f) => f.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(frames.slice(1, 11).map((f) => f.delta)).toEqual(Array.from({ length: 10 }, (_, i) => `d${i}`));
    expect(frames.at(-1)).toMatchObject({ type: 'status_update', status: 'done', seq: 12 });
    expect(await store.meta(g.userId, g.ref.messageId)).toMatchObject({ status: 'done', seq: 12, owner: '' });
  });

  it('a status frame ends a write: the frames after it go in the next one', async () => {
    const g = await claimed();
    const pub = new GenerationPublisher(g.recording, g.userId, g.owner, g.ref, 1);
    pub.content('first');
    void pub.streaming(false);
    pub.content('a');
    pub.content('b');
    expect(await pub.drain()).toBe(true);
    expect(g.writes).toEqual([1, 1, 2]);
    expect((await g.stored()).map(text)).toEqual(['sending', 'first', 'streaming', 'a', 'b']);
  });

  it('once another attempt claims the generation, nothing more is written and drain says fenced', async () => {
    const g = await claimed();
    const pub = new GenerationPublisher(g.recording, g.userId, g.owner, g.ref, 1);
    pub.content('mine');
    expect(await pub.drain()).toBe(true);
    await store.claim(g.userId, g.ref.messageId, 'another-attempt');
    pub.content('stale 1');
    pub.content('stale 2');
    expect(await pub.drain()).toBe(false);
    expect(pub.fenced).toBe(true);
    expect(await pub.done({ text: '', usage: null, finishReason: 'stop' })).toBe(false);
    expect((await g.stored()).map(text)).toEqual(['sending', 'mine']);
  });

  it('a write whose reply was lost is retried and found already there: success, no repeat', async () => {
    let calls = 0;
    const g = await claimed((s) => ({
      append: async (a) => {
        calls += 1;
        const res = await s.append(a);
        if (calls === 1) throw new Error('connection lost before the reply');
        return res;
      },
    }));
    const pub = new GenerationPublisher(g.recording, g.userId, g.owner, g.ref, 1);
    pub.content('once');
    expect(await pub.drain()).toBe(true);
    expect(calls).toBe(2);
    expect((await g.stored()).map((f) => f.seq)).toEqual([1, 2]);
  });

  it('Redis unreachable past the tolerance: drain throws, and later frames are refused with the same error', async () => {
    const down = new Error('ECONNREFUSED');
    const g = await claimed(() => ({ append: async () => Promise.reject(down) }));
    const pub = new GenerationPublisher(g.recording, g.userId, g.owner, g.ref, 1, 150);
    pub.content('lost');
    await expect(pub.drain()).rejects.toBe(down);
    expect(pub.writeError).toBe(down);
    await expect(pub.done({ text: '', usage: null, finishReason: 'stop' })).rejects.toBe(down);
    expect((await g.stored()).map((f) => f.seq)).toEqual([1]);
  });
});

/**
 * What a promoted replica looks like when its primary died before replicating the last writes:
 * the generation's hash back at `seq` (and `owner`), the stream without the frames after it.
 */
const loseAfter = async (g: { userId: string; ref: { messageId: string } }, seq: number, owner?: string) => {
  // Rebuilt rather than XDELed: the replica never saw the later entries, so its stream's last id is lower too.
  const frames = keys.generationFrames(g.userId, g.ref.messageId);
  const kept = await redis.xrange(frames, '-', `${seq}-0`);
  await redis.del(frames);
  for (const [id, fields] of kept) await redis.xadd(frames, id, ...fields);
  await redis.hset(keys.generationMeta(g.userId, g.ref.messageId), 'seq', seq, ...(owner ? ['owner', owner] : []));
};

describe('GenerationPublisher after a failover lost acknowledged frames', () => {
  const write = async (pub: GenerationPublisher, deltas: string[]) => {
    for (const d of deltas) pub.content(d);
    return pub.drain();
  };

  it('writes the lost frames again from what it wrote, then goes on: the stream is whole and exact', async () => {
    const g = await claimed();
    const pub = new GenerationPublisher(g.recording, g.userId, g.owner, g.ref, 1);
    expect(await pub.streaming(false)).toBe(true);
    expect(await write(pub, ['a', 'b', 'c', 'd'])).toBe(true);
    const before = await g.stored();
    await loseAfter(g, 4);
    expect(await write(pub, ['e'])).toBe(true);
    expect(await pub.done({ text: 'abcde', usage: null, finishReason: 'stop' })).toBe(true);
    expect(pub.rewritten).toBe(2);
    const after = await g.stored();
    expect(after.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.map(text)).toEqual(['sending', 'streaming', 'a', 'b', 'c', 'd', 'e', 'done']);
    expect((await store.meta(g.userId, g.ref.messageId))?.status).toBe('done');
  });

  it('a lost claim (owner back to queued) is taken again before the lost frames are rewritten', async () => {
    const g = await claimed();
    const pub = new GenerationPublisher(g.recording, g.userId, g.owner, g.ref, 1);
    expect(await pub.streaming(false)).toBe(true);
    expect(await write(pub, ['x', 'y'])).toBe(true);
    await loseAfter(g, 1, 'queued');
    expect(await write(pub, ['z'])).toBe(true);
    expect(pub.rewritten).toBe(3);
    expect((await g.stored()).map(text)).toEqual(['sending', 'streaming', 'x', 'y', 'z']);
    expect((await store.meta(g.userId, g.ref.messageId))?.owner).toBe(g.owner);
  });

  it('a takeover by another attempt is not mistaken for a hole: the stale one stays fenced and silent', async () => {
    const g = await claimed();
    const pub = new GenerationPublisher(g.recording, g.userId, g.owner, g.ref, 1);
    expect(await write(pub, ['x', 'y'])).toBe(true);
    await loseAfter(g, 2, 'another-worker');
    expect(await write(pub, ['z'])).toBe(false);
    expect(pub.fenced).toBe(true);
    expect(pub.rewritten).toBe(0);
    expect((await g.stored()).map(text)).toEqual(['sending', 'x']);
  });
});
