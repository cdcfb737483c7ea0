import { BoundedStore } from './bounded-store';
import { lastUserMessageContains, newTranscriptStore, recordToken, type Transcript } from './transcripts';

type Entry = { id: number; tags: string[] };

test('keeps the last `limit` entries, oldest first, however many were added', () => {
  const store = new BoundedStore<Entry>(3);
  for (let id = 0; id < 250; id += 1) store.add({ id, tags: [] });
  expect(store.list().map((e) => e.id)).toEqual([247, 248, 249]);
  store.clear();
  expect(store.list()).toEqual([]);
});

test('an added entry keeps changing in the store; a snapshot does not', () => {
  const store = new BoundedStore<Entry>(10);
  const entry = store.add({ id: 1, tags: [] });
  const before = store.list();
  entry.id = 2;
  expect(before[0]!.id).toBe(1);
  expect(store.list()[0]!.id).toBe(2);
  expect(store.list()[0]).not.toBe(entry);
});

test('list(keep) filters; a store given a deep copy copies the arrays that keep growing', () => {
  const store = new BoundedStore<Entry>(10, (e) => ({ ...e, tags: [...e.tags] }));
  const a = store.add({ id: 1, tags: ['x'] });
  store.add({ id: 2, tags: [] });
  const snapshot = store.list((e) => e.tags.length > 0);
  a.tags.push('y');
  expect(snapshot).toEqual([{ id: 1, tags: ['x'] }]);
});

test('the chat transcripts: tokens copied per snapshot, filtered by the last user message', () => {
  const store = newTranscriptStore();
  const t = store.add({ lastUserMessage: '睡眠不好', tokens: [], content: '', reasoning: '' } as unknown as Transcript);
  store.add({ lastUserMessage: '多喝水', tokens: [], content: '', reasoning: '' } as unknown as Transcript);
  recordToken(t, '早点', 'content');
  const snapshot = store.list(lastUserMessageContains('睡眠'));
  recordToken(t, '睡', 'content');
  expect(snapshot.map((s) => [s.lastUserMessage, s.tokens.length, s.content])).toEqual([['睡眠不好', 1, '早点']]);
  expect(store.list(lastUserMessageContains(undefined))).toHaveLength(2);
});
