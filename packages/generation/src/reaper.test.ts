import { Redis } from 'ioredis';
import { createKeys, createLogger } from '@aurawell/platform';
import { createGenerationStore } from './store';
import { statusUpdateFrame } from '@aurawell/protocol';
import { deleteKeysWithPrefix, testPrefix, testRedisUrl } from '@aurawell/testkit';
import { endAbandoned, startReaper } from './reaper';

const prefix = testPrefix();
const keys = createKeys(prefix);
const redis = new Redis(testRedisUrl());
const store = createGenerationStore(redis, keys, { maxFrames: 1000, retentionMs: 60000 });
afterAll(async () => {
  redis.disconnect();
  await deleteKeysWithPrefix(prefix);
});

const start = async (messageId: string, deadlineMs: number) => {
  const ref = { messageId, conversationId: 'c1' };
  await store.start({ userId: 'u1', messageId, conversationId: 'c1', sendingFrame: JSON.stringify(statusUpdateFrame(ref, 1, 'sending')), maxRunning: 10, deadlineMs });
};

test('an overdue generation gets an error frame and exactly one terminal error, then leaves the index', async () => {
  await start('m-overdue', 1);
  await store.claim('u1', 'm-overdue', 'dead-worker');
  await new Promise((r) => setTimeout(r, 5));
  const reaper = startReaper(store, createLogger('test', 'silent'), { intervalMs: 60000, graceMs: 0 });
  await reaper.sweep();
  reaper.stop();
  const frames = (await store.framesAfter('u1', 'm-overdue', 0)).map((f) => JSON.parse(f.frame) as { type: string; status?: string; seq: number });
  expect(frames.map((f) => [f.seq, f.type, f.status])).toEqual([
    [1, 'status_update', 'sending'],
    [2, 'error', undefined],
    [3, 'status_update', 'error'],
  ]);
  expect(await store.overdue(Date.now())).toEqual([]);
  // The dead worker, were it to wake up, is fenced out.
  expect(await store.append({ userId: 'u1', messageId: 'm-overdue', owner: 'dead-worker', seq: 4, frame: '{}' })).toBe('fenced');
});

test('generations within their deadline, finished ones and vanished ones are left alone', async () => {
  await start('m-young', 60000);
  expect(await store.overdue(Date.now())).toEqual([]);
  expect(await endAbandoned(store, 'u1', 'm-unknown')).toBe(false);
  await start('m-done', 1);
  await store.claim('u1', 'm-done', 'w');
  await store.append({ userId: 'u1', messageId: 'm-done', owner: 'w', seq: 2, status: 'done', frame: JSON.stringify(statusUpdateFrame({ messageId: 'm-done', conversationId: 'c1' }, 2, 'done')) });
  expect(await endAbandoned(store, 'u1', 'm-done')).toBe(false);
  expect((await store.framesAfter('u1', 'm-done', 0)).length).toBe(2);
});
