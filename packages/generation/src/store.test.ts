import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { deleteKeysWithPrefix, testPrefix, testRedisUrl } from '@aurawell/testkit';
import { createGenerationStore, type GenerationStore } from './store';
import { TTL_REFRESH_FRAMES } from './scripts';
import { createKeys, type Keys } from '@aurawell/platform';

const RETENTION_MS = 60_000;

let prefix: string;
let keys: Keys;
let redis: Redis;
let sub: Redis;
let store: GenerationStore;
/** Messages received per channel, in order. */
const received = new Map<string, string[]>();

beforeAll(async () => {
  prefix = testPrefix();
  keys = createKeys(prefix);
  redis = new Redis(testRedisUrl());
  sub = new Redis(testRedisUrl());
  // Frames come on the users' shard channels; cancels on the classic cancel channel.
  const record = (channel: string, message: string) => {
    const list = received.get(channel) ?? [];
    list.push(message);
    received.set(channel, list);
  };
  sub.on('smessage', record);
  sub.on('message', record);
  store = createGenerationStore(redis, keys, { maxFrames: 1000, retentionMs: RETENTION_MS });
});

afterAll(async () => {
  await Promise.all([redis.quit(), sub.quit()]);
  await deleteKeysWithPrefix(prefix);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const waitFor = async (check: () => boolean, what: string, timeoutMs = 2000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
};

/** A fresh user whose channel is subscribed before anything is written. */
const newUser = async () => {
  const userId = `u_${randomUUID().slice(0, 8)}`;
  const channel = keys.userChannel(userId);
  received.set(channel, []);
  await sub.ssubscribe(channel);
  return { userId, published: () => received.get(channel) ?? [] };
};

const frame = (messageId: string, seq: number, text = `delta ${seq}`) => JSON.stringify({ type: 'chat_stream', message_id: messageId, seq, delta: text });

/**
 * Publishes a marker after the calls under test; a channel delivers in order, so once the marker
 * has arrived every earlier publication has too, and anything missing was never published.
 */
const flush = async (userId: string, published: () => string[]) => {
  const marker = `marker-${randomUUID()}`;
  await redis.spublish(keys.userChannel(userId), marker);
  await waitFor(() => published().includes(marker), 'the marker');
  return published().filter((m) => !m.startsWith('marker-'));
};

const startGeneration = async (userId: string, over: Partial<Parameters<GenerationStore['start']>[0]> = {}) => {
  const messageId = over.messageId ?? `msg_${randomUUID().slice(0, 12)}`;
  const sendingFrame = over.sendingFrame ?? frame(messageId, 1, 'sending');
  const res = await store.start({
    userId,
    messageId,
    conversationId: 'conv_1',
    sendingFrame,
    maxRunning: 2,
    deadlineMs: 60_000,
    ...over,
  });
  return { res, messageId, sendingFrame };
};

/** Starts, claims for `owner` and appends frames 2..upTo. */
const running = async (userId: string, owner: string, upTo = 1) => {
  const g = await startGeneration(userId);
  expect(g.res).toBe('started');
  expect(await store.claim(userId, g.messageId, owner)).toBe(1);
  const frames = [g.sendingFrame];
  for (let seq = 2; seq <= upTo; seq++) {
    const f = frame(g.messageId, seq);
    expect(await store.append({ userId, messageId: g.messageId, owner, seq, frame: f })).toBe('ok');
    frames.push(f);
  }
  return { ...g, frames };
};

describe('start', () => {
  it('stores seq 1 and publishes the sending frame on the user channel', async () => {
    const { userId, published } = await newUser();
    const { res, messageId, sendingFrame } = await startGeneration(userId, { conversationId: 'conv_abc' });
    expect(res).toBe('started');
    expect(await store.meta(userId, messageId)).toEqual({ status: 'sending', seq: 1, conversationId: 'conv_abc', owner: 'queued', question: null });
    expect(await store.framesAfter(userId, messageId, 0)).toEqual([{ seq: 1, frame: sendingFrame }]);
    expect(await flush(userId, published)).toEqual([sendingFrame]);
    expect(await redis.zscore(keys.userGenerations(userId), messageId)).not.toBeNull();
  });

  it('refuses a generation beyond maxRunning, storing and publishing nothing for it', async () => {
    const { userId, published } = await newUser();
    const a = await startGeneration(userId, { maxRunning: 2 });
    const b = await startGeneration(userId, { maxRunning: 2 });
    const c = await startGeneration(userId, { maxRunning: 2 });
    expect([a.res, b.res, c.res]).toEqual(['started', 'started', 'too_many']);
    expect(await store.meta(userId, c.messageId)).toBeNull();
    expect(await store.framesAfter(userId, c.messageId, 0)).toEqual([]);
    expect(await flush(userId, published)).toEqual([a.sendingFrame, b.sendingFrame]);
    expect(await redis.zcard(keys.userGenerations(userId))).toBe(2);
  });

  it('refuses the same message id twice', async () => {
    const { userId, published } = await newUser();
    const a = await startGeneration(userId, { maxRunning: 5 });
    const again = await startGeneration(userId, { maxRunning: 5, messageId: a.messageId, sendingFrame: 'second' });
    expect(again.res).toBe('exists');
    expect(await store.framesAfter(userId, a.messageId, 0)).toEqual([{ seq: 1, frame: a.sendingFrame }]);
    expect(await flush(userId, published)).toEqual([a.sendingFrame]);
  });

  it('does not count entries of the running set whose deadline has passed', async () => {
    const { userId } = await newUser();
    // A generation whose worker died: its deadline passed long ago.
    await redis.zadd(keys.userGenerations(userId), Date.now() - 1000, 'msg_dead');
    const a = await startGeneration(userId, { maxRunning: 1 });
    expect(a.res).toBe('started');
    expect(await redis.zscore(keys.userGenerations(userId), 'msg_dead')).toBeNull();
  });

  it('frees the slot of a started generation once its own deadline passes', async () => {
    const { userId } = await newUser();
    expect((await startGeneration(userId, { maxRunning: 1, deadlineMs: 30 })).res).toBe('started');
    expect((await startGeneration(userId, { maxRunning: 1 })).res).toBe('too_many');
    await sleep(60);
    expect((await startGeneration(userId, { maxRunning: 1 })).res).toBe('started');
  });
});

describe('claim', () => {
  it('returns the last seq written', async () => {
    const { userId } = await newUser();
    const g = await running(userId, 'w1', 4);
    expect(await store.claim(userId, g.messageId, 'w2')).toBe(4);
    expect((await store.meta(userId, g.messageId))?.owner).toBe('w2');
  });

  it('returns null for a generation that does not exist', async () => {
    const { userId } = await newUser();
    expect(await store.claim(userId, 'msg_missing', 'w1')).toBeNull();
    expect(await store.meta(userId, 'msg_missing')).toBeNull();
  });

  it('with expectedOwner succeeds only from that owner', async () => {
    const { userId } = await newUser();
    const { messageId } = await startGeneration(userId);
    expect(await store.claim(userId, messageId, 'w1', 'someone-else')).toBeNull();
    expect((await store.meta(userId, messageId))?.owner).toBe('queued');
    expect(await store.claim(userId, messageId, 'w1', 'queued')).toBe(1);
    expect(await store.claim(userId, messageId, 'w2', 'queued')).toBeNull();
    expect((await store.meta(userId, messageId))?.owner).toBe('w1');
    expect(await store.claim(userId, messageId, 'w2', 'w1')).toBe(1);
    expect((await store.meta(userId, messageId))?.owner).toBe('w2');
  });
});

describe('append', () => {
  it('with the owner and seq+1: ok, stored, published', async () => {
    const { userId, published } = await newUser();
    const g = await running(userId, 'w1');
    const f2 = frame(g.messageId, 2, '你好 😴');
    expect(await store.append({ userId, messageId: g.messageId, owner: 'w1', seq: 2, frame: f2 })).toBe('ok');
    expect(await store.meta(userId, g.messageId)).toMatchObject({ seq: 2, owner: 'w1', status: 'sending' });
    expect(await store.framesAfter(userId, g.messageId, 1)).toEqual([{ seq: 2, frame: f2 }]);
    expect(await flush(userId, published)).toEqual([g.sendingFrame, f2]);
  });

  it('records a non-terminal status without leaving the running set', async () => {
    const { userId } = await newUser();
    const g = await running(userId, 'w1');
    expect(await store.append({ userId, messageId: g.messageId, owner: 'w1', seq: 2, frame: 'streaming', status: 'streaming' })).toBe('ok');
    expect((await store.meta(userId, g.messageId))?.status).toBe('streaming');
    expect(await redis.zscore(keys.userGenerations(userId), g.messageId)).not.toBeNull();
  });

  it.each([
    ['a gap', 4],
    ['a repeat', 2],
    ['an old seq', 1],
    ['seq 0', 0],
  ])('%s → out_of_order, nothing stored or published', async (_name, seq) => {
    const { userId, published } = await newUser();
    const g = await running(userId, 'w1', 2);
    const bad = frame(g.messageId, seq, 'must not appear');
    expect(await store.append({ userId, messageId: g.messageId, owner: 'w1', seq, frame: bad })).toBe('out_of_order');
    expect((await store.meta(userId, g.messageId))?.seq).toBe(2);
    expect(await store.framesAfter(userId, g.messageId, 0)).toEqual(g.frames.map((f, i) => ({ seq: i + 1, frame: f })));
    expect(await flush(userId, published)).toEqual(g.frames);
    // The right next seq still works.
    expect(await store.append({ userId, messageId: g.messageId, owner: 'w1', seq: 3, frame: frame(g.messageId, 3) })).toBe('ok');
  });

  it('a stale owner after a new claim is fenced: nothing stored or published', async () => {
    const { userId, published } = await newUser();
    const g = await running(userId, 'w1', 3);
    expect(await store.claim(userId, g.messageId, 'w2')).toBe(3);
    const stale = frame(g.messageId, 4, 'stale');
    expect(await store.append({ userId, messageId: g.messageId, owner: 'w1', seq: 4, frame: stale })).toBe('fenced');
    const fresh = frame(g.messageId, 4, 'fresh');
    expect(await store.append({ userId, messageId: g.messageId, owner: 'w2', seq: 4, frame: fresh })).toBe('ok');
    expect(await store.append({ userId, messageId: g.messageId, owner: 'w1', seq: 5, frame: stale })).toBe('fenced');
    expect((await store.framesAfter(userId, g.messageId, 3)).map((f) => f.frame)).toEqual([fresh]);
    expect(await flush(userId, published)).toEqual([...g.frames, fresh]);
  });

  it('several frames in one call: stored and published in seq order, the status on the last one', async () => {
    const { userId, published } = await newUser();
    const g = await running(userId, 'w1');
    const batch = [frame(g.messageId, 2, 'a'), frame(g.messageId, 3, 'b'), frame(g.messageId, 4, 'done')];
    expect(await store.append({ userId, messageId: g.messageId, owner: 'w1', seq: 2, frame: batch, status: 'done' })).toBe('ok');
    expect(await store.meta(userId, g.messageId)).toMatchObject({ seq: 4, status: 'done', owner: '' });
    expect(await store.framesAfter(userId, g.messageId, 1)).toEqual(batch.map((f, i) => ({ seq: i + 2, frame: f })));
    expect(await flush(userId, published)).toEqual([g.sendingFrame, ...batch]);
  });

  it('several frames from a stale owner or after a gap: none stored or published (all or nothing)', async () => {
    const { userId, published } = await newUser();
    const g = await running(userId, 'w1', 2);
    const batch = (from: number) => [frame(g.messageId, from, 'x'), frame(g.messageId, from + 1, 'y')];
    expect(await store.append({ userId, messageId: g.messageId, owner: 'w1', seq: 4, frame: batch(4) })).toBe('out_of_order');
    await store.claim(userId, g.messageId, 'w2');
    expect(await store.append({ userId, messageId: g.messageId, owner: 'w1', seq: 3, frame: batch(3) })).toBe('fenced');
    expect((await store.meta(userId, g.messageId))?.seq).toBe(2);
    expect(await store.framesAfter(userId, g.messageId, 2)).toEqual([]);
    expect(await flush(userId, published)).toEqual(g.frames);
  });

  it('to a generation that does not exist is fenced', async () => {
    const { userId, published } = await newUser();
    expect(await store.append({ userId, messageId: 'msg_gone', owner: 'w1', seq: 2, frame: 'x' })).toBe('fenced');
    expect(await redis.exists(keys.generationFrames(userId, 'msg_gone'))).toBe(0);
    expect(await flush(userId, published)).toEqual([]);
  });

  it.each(['done', 'error', 'cancelled'])('a terminal %s frame ends the generation: later appends and claims fail', async (status) => {
    const { userId, published } = await newUser();
    const g = await running(userId, 'w1', 2);
    const last = frame(g.messageId, 3, status);
    expect(await store.append({ userId, messageId: g.messageId, owner: 'w1', seq: 3, frame: last, status })).toBe('ok');
    expect(await redis.zscore(keys.userGenerations(userId), g.messageId)).toBeNull();
    expect(await store.meta(userId, g.messageId)).toMatchObject({ status, seq: 3 });
    expect(await store.append({ userId, messageId: g.messageId, owner: 'w1', seq: 4, frame: 'after' })).toBe('fenced');
    expect(await store.claim(userId, g.messageId, 'w2')).toBeNull();
    expect(await store.claim(userId, g.messageId, 'w1')).toBeNull();
    expect(await store.append({ userId, messageId: g.messageId, owner: 'w2', seq: 4, frame: 'after' })).toBe('fenced');
    expect(await flush(userId, published)).toEqual([...g.frames, last]);
    // Its slot is free again.
    expect((await startGeneration(userId, { maxRunning: 1 })).res).toBe('started');
  });
});

describe('framesAfter', () => {
  it('returns exactly the frames after n, in order', async () => {
    const { userId } = await newUser();
    const g = await running(userId, 'w1', 12);
    const all = g.frames.map((f, i) => ({ seq: i + 1, frame: f }));
    expect(await store.framesAfter(userId, g.messageId, 0)).toEqual(all);
    expect(await store.framesAfter(userId, g.messageId, 3)).toEqual(all.slice(3));
    // 10-0 sorts after 9-0 as a stream id (numerically, not as text).
    expect(await store.framesAfter(userId, g.messageId, 9)).toEqual(all.slice(9));
    expect(await store.framesAfter(userId, g.messageId, 11)).toEqual([all[11]]);
    expect(await store.framesAfter(userId, g.messageId, 12)).toEqual([]);
    expect(await store.framesAfter(userId, g.messageId, 50)).toEqual([]);
  });
});

describe('conversation turns: questions of one conversation are answered one after another', () => {
  const turnsPassed: [string, string][] = [];
  let turnStore: GenerationStore;
  beforeAll(() => {
    turnStore = createGenerationStore(redis, keys, {
      maxFrames: 1000,
      retentionMs: RETENTION_MS,
      nextTurn: async (userId, messageId) => void turnsPassed.push([userId, messageId]),
    });
  });
  const ask = async (userId: string, conversationId: string) => {
    const messageId = `msg_${randomUUID().slice(0, 12)}`;
    const res = await turnStore.start({ userId, messageId, conversationId, sendingFrame: frame(messageId, 1), maxRunning: 5, deadlineMs: 60_000 });
    expect(res).toBe('started');
    return messageId;
  };
  const end = (userId: string, messageId: string, owner: string, seq: number, status = 'done') =>
    turnStore.append({ userId, messageId, owner, seq, status, frame: frame(messageId, seq, status) });

  it('the second question waits until the first ends, then its turn is passed on', async () => {
    const { userId } = await newUser();
    const first = await ask(userId, 'conv_a');
    const second = await ask(userId, 'conv_a');
    expect(await turnStore.claimTurn(userId, second, 'w2')).toBe('not_its_turn');
    expect(await turnStore.claimTurn(userId, first, 'w1')).toBe(1);
    expect(await turnStore.claimTurn(userId, second, 'w2')).toBe('not_its_turn');
    expect(await end(userId, first, 'w1', 2)).toBe('ok');
    expect(turnsPassed).toContainEqual([userId, second]);
    expect(await turnStore.claimTurn(userId, second, 'w2')).toBe(1);
  });

  it('another conversation of the same user is not held up', async () => {
    const { userId } = await newUser();
    await ask(userId, 'conv_a');
    const other = await ask(userId, 'conv_b');
    expect(await turnStore.claimTurn(userId, other, 'w')).toBe(1);
  });

  it('a waiting question can be cancelled (claimed from the queue) and its turn is then skipped', async () => {
    const { userId } = await newUser();
    const first = await ask(userId, 'conv_a');
    const second = await ask(userId, 'conv_a');
    const third = await ask(userId, 'conv_a');
    expect(await turnStore.claim(userId, second, 'gateway-cancel', 'queued')).toBe(1);
    expect(await end(userId, second, 'gateway-cancel', 2, 'cancelled')).toBe('ok');
    expect(await turnStore.claimTurn(userId, third, 'w3')).toBe('not_its_turn');
    expect(await turnStore.claimTurn(userId, first, 'w1')).toBe(1);
    expect(await end(userId, first, 'w1', 2, 'error')).toBe('ok');
    expect(turnsPassed).toContainEqual([userId, third]);
    expect(await turnStore.claimTurn(userId, third, 'w3')).toBe(1);
  });

  it('a question whose generation vanished (expired) does not block the ones after it', async () => {
    const { userId } = await newUser();
    const lost = await ask(userId, 'conv_a');
    const next = await ask(userId, 'conv_a');
    await redis.del(keys.generationMeta(userId, lost));
    expect(await turnStore.claimTurn(userId, next, 'w')).toBe(1);
  });

  it('questions asked in the same millisecond keep the order they were asked in', async () => {
    const { userId } = await newUser();
    const ids = await Promise.all(Array.from({ length: 5 }, () => ask(userId, 'conv_a')));
    const order = await redis.zrange(keys.conversationTurns(userId, 'conv_a'), '0', '-1');
    // One connection runs the scripts in the order they were sent: that is the order asked.
    expect(order).toEqual(ids);
    // The first of them in the set's order is the only one that may run.
    const results = await Promise.all(order.map((id) => turnStore.claimTurn(userId, id, `w-${id}`)));
    expect(results).toEqual([1, 'not_its_turn', 'not_its_turn', 'not_its_turn', 'not_its_turn']);
  });
});

describe('expiry', () => {
  it('every key of a generation has a TTL, renewed by status frames and every TTL_REFRESH_FRAMES frames, not by each token', async () => {
    const { userId } = await newUser();
    const g = await running(userId, 'w1', 2);
    const ttlKeys = [
      keys.generationMeta(userId, g.messageId),
      keys.generationFrames(userId, g.messageId),
      keys.userGenerations(userId),
      keys.conversationTurns(userId, 'conv_1'),
    ];
    for (const key of ttlKeys) {
      const pttl = await redis.pttl(key);
      expect(pttl).toBeGreaterThan(0);
      expect(pttl).toBeLessThanOrEqual(RETENTION_MS);
    }
    const meta = keys.generationMeta(userId, g.messageId);
    const frames = keys.generationFrames(userId, g.messageId);
    const shorten = () => Promise.all([redis.pexpire(meta, 5000), redis.pexpire(frames, 5000)]);
    const renewed = async () => (await Promise.all([redis.pttl(meta), redis.pttl(frames)])).map((t) => t > 5000);
    const append = (seq: number, status?: 'streaming') => store.append({ userId, messageId: g.messageId, owner: 'w1', seq, frame: frame(g.messageId, seq), ...(status ? { status } : {}) });
    await shorten();
    expect(await append(3)).toBe('ok');
    expect(await renewed()).toEqual([false, false]);
    expect(await append(4, 'streaming')).toBe('ok');
    expect(await renewed()).toEqual([true, true]);
    for (let seq = 5; seq < TTL_REFRESH_FRAMES; seq++) expect(await append(seq)).toBe('ok');
    await shorten();
    expect(await append(TTL_REFRESH_FRAMES)).toBe('ok');
    expect(await renewed()).toEqual([true, true]);
  });
});

describe('requestCancel', () => {
  it('sets the flag and publishes on the cancel channel', async () => {
    const { userId } = await newUser();
    const g = await running(userId, 'w1');
    received.set(keys.cancelChannel, []);
    await sub.subscribe(keys.cancelChannel);
    expect(await store.cancelRequested(userId, g.messageId)).toBe(false);
    await store.requestCancel(userId, g.messageId);
    expect(await store.cancelRequested(userId, g.messageId)).toBe(true);
    expect(await store.cancelRequested(userId, 'msg_other')).toBe(false);
    const pttl = await redis.pttl(keys.generationCancel(userId, g.messageId));
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(RETENTION_MS);
    await waitFor(() => (received.get(keys.cancelChannel) ?? []).length > 0, 'the cancel message');
    expect(received.get(keys.cancelChannel)?.map((m) => JSON.parse(m))).toEqual([{ userId, messageId: g.messageId }]);
    await sub.unsubscribe(keys.cancelChannel);
  });
});

describe('one round trip per append', () => {
  /**
   * MONITOR sees every command Redis executes, with the client address that sent it (and `lua`
   * for commands run inside a script). Counting the commands sent from the store's own connection
   * between two markers is exact; the script's XADD/PUBLISH seen as `lua` prove MONITOR was
   * watching, so the count cannot be vacuously right.
   */
  it('each append is a single EVALSHA/EVAL doing all its work inside Redis', async () => {
    const { userId } = await newUser();
    const storeRedis = new Redis(testRedisUrl(), { enableAutoPipelining: true });
    const marker = new Redis(testRedisUrl());
    const monitor = await marker.monitor();
    try {
      const own = createGenerationStore(storeRedis, keys, { maxFrames: 1000, retentionMs: RETENTION_MS });
      const g = await startGeneration(userId);
      expect(await own.claim(userId, g.messageId, 'w1')).toBe(1);
      const info = String(await storeRedis.call('CLIENT', 'INFO'));
      const addr = /addr=(\S+)/.exec(info)?.[1];
      expect(addr).toMatch(/:\d+$/);

      const seen: { source: string; args: string[] }[] = [];
      monitor.on('monitor', (_time: string, args: string[], source: string) => seen.push({ source, args }));
      const begin = `begin-${randomUUID()}`;
      const end = `end-${randomUUID()}`;
      await marker.echo(begin);
      await waitFor(() => seen.some((c) => c.args.includes(begin)), 'the begin marker');

      const appends = 5;
      for (let seq = 2; seq < 2 + appends; seq++) {
        expect(await own.append({ userId, messageId: g.messageId, owner: 'w1', seq, frame: frame(g.messageId, seq) })).toBe('ok');
      }
      await marker.echo(end);
      await waitFor(() => seen.some((c) => c.args.includes(end)), 'the end marker');

      const from = seen.findIndex((c) => c.args.includes(begin));
      const to = seen.findIndex((c) => c.args.includes(end));
      const window = seen.slice(from + 1, to);
      const fromStore = window.filter((c) => c.source === addr).map((c) => c.args[0]?.toLowerCase());
      expect(fromStore).toHaveLength(appends);
      for (const name of fromStore) expect(['evalsha', 'eval']).toContain(name);

      const metaKey = keys.generationMeta(userId, g.messageId);
      const framesKey = keys.generationFrames(userId, g.messageId);
      const inScript = window.filter((c) => c.source === 'lua' && (c.args.includes(framesKey) || c.args.includes(metaKey) || c.args.includes(keys.userChannel(userId))));
      const count = (cmd: string) => inScript.filter((c) => c.args[0]?.toLowerCase() === cmd).length;
      expect(count('xadd')).toBe(appends);
      expect(count('spublish')).toBe(appends);
    } finally {
      monitor.disconnect();
      marker.disconnect();
      storeRedis.disconnect();
    }
  });
});
