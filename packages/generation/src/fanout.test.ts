import { Redis } from 'ioredis';
import { createKeys, createLogger } from '@aurawell/platform';
import { FrameSequencer, toBusFrame, UserFanout, type BusFrame, type FrameSink } from './fanout';
import { deleteKeysWithPrefix, testPrefix, testRedisUrl } from '@aurawell/testkit';

const frame = (messageId: string, seq: number, terminal = false): BusFrame => ({
  messageId,
  seq,
  terminal,
  raw: JSON.stringify({ type: terminal ? 'status_update' : 'chat_stream', status: terminal ? 'done' : 'streaming', message_id: messageId, seq }),
});

describe('FrameSequencer', () => {
  const collect = () => {
    const sent: string[] = [];
    const seq = new FrameSequencer((f) => sent.push(`${f.messageId}:${f.seq}`));
    return { sent, seq };
  };

  test('sends frames once and never goes back', () => {
    const { sent, seq } = collect();
    [1, 2, 2, 3, 1].forEach((n) => seq.deliver(frame('a', n)));
    expect(sent).toEqual(['a:1', 'a:2', 'a:3']);
  });

  test('during a replay live frames wait; afterwards replayed then live, without duplicates', () => {
    const { sent, seq } = collect();
    seq.beginReplay('a', 2);
    seq.deliver(frame('a', 5));
    seq.deliver(frame('a', 6));
    seq.deliver(frame('b', 1));
    expect(sent).toEqual(['b:1']);
    seq.endReplay('a', [frame('a', 3), frame('a', 4), frame('a', 5)]);
    expect(sent).toEqual(['b:1', 'a:3', 'a:4', 'a:5', 'a:6']);
  });

  test('a replay from 0 resends what the client asked for, even if it saw it live', () => {
    const { sent, seq } = collect();
    seq.deliver(frame('a', 1));
    seq.beginReplay('a', 0);
    seq.endReplay('a', [frame('a', 1), frame('a', 2, true)]);
    expect(sent).toEqual(['a:1', 'a:1', 'a:2']);
  });
});

describe('FrameSequencer joining window', () => {
  test('a reconnecting client that resumes at once gets its replay before any live frame: in order, once', () => {
    const sent: number[] = [];
    const seq = new FrameSequencer((f) => sent.push(f.seq), undefined, { joinWindowMs: 1000 });
    seq.deliver(frame('a', 5)); // live, arrived before the client's resume
    seq.beginReplay('a', 3);
    seq.deliver(frame('a', 6));
    seq.endReplay('a', [frame('a', 4), frame('a', 5)]);
    seq.deliver(frame('a', 7));
    expect(sent).toEqual([4, 5, 6, 7]);
  });

  test('without a resume the held frames go out when the window ends; new generations never wait', async () => {
    const sent: string[] = [];
    const seq = new FrameSequencer((f) => sent.push(`${f.messageId}:${f.seq}`), undefined, { joinWindowMs: 50 });
    seq.deliver(frame('a', 8));
    seq.deliver(frame('b', 1));
    seq.deliver(frame('a', 9));
    expect(sent).toEqual(['b:1']);
    await new Promise((r) => setTimeout(r, 80));
    expect(sent).toEqual(['b:1', 'a:8', 'a:9']);
    seq.deliver(frame('a', 10));
    expect(sent).toEqual(['b:1', 'a:8', 'a:9', 'a:10']);
  });
});

describe('FrameSequencer gap repair', () => {
  test('a frame that skips ahead is held while the missing ones are fetched, then all go out in order', async () => {
    const sent: number[] = [];
    const asked: number[] = [];
    let release: (frames: BusFrame[]) => void = () => {};
    const seq = new FrameSequencer(
      (f) => sent.push(f.seq),
      (_id, after) => {
        asked.push(after);
        return new Promise((resolve) => (release = resolve));
      },
    );
    seq.deliver(frame('a', 1));
    seq.deliver(frame('a', 2));
    seq.deliver(frame('a', 5));
    seq.deliver(frame('a', 6));
    expect(sent).toEqual([1, 2]);
    expect(asked).toEqual([2]);
    release([frame('a', 3), frame('a', 4), frame('a', 5)]);
    await new Promise((r) => setImmediate(r));
    expect(sent).toEqual([1, 2, 3, 4, 5, 6]);
  });

  // Retries are timers: run on fake time, so a loaded machine cannot make a wait too short.
  describe('retries', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    test('a late joiner is not back-filled; a failed fetch is tried again, and only after the last try do the held frames go through', async () => {
      const sent: number[] = [];
      let asked = 0;
      const seq = new FrameSequencer((f) => sent.push(f.seq), () => (asked++, Promise.reject(new Error('redis down'))), { gapRetries: 2, gapRetryMs: 20 });
      seq.deliver(frame('b', 7));
      seq.deliver(frame('b', 9));
      await jest.advanceTimersByTimeAsync(5);
      expect(sent).toEqual([7]);
      await jest.advanceTimersByTimeAsync(100);
      expect({ asked, sent }).toEqual({ asked: 3, sent: [7, 9] });
      seq.dispose();
    });

    test('a fetch that fails while a slot moves, then succeeds, fills the hole in order', async () => {
      const sent: number[] = [];
      const results = [Promise.reject(new Error('MOVED 12 127.0.0.1:7001')), Promise.resolve([frame('m', 2), frame('m', 3)])];
      results[0]!.catch(() => {});
      const seq = new FrameSequencer((f) => sent.push(f.seq), () => results.shift() ?? Promise.resolve([]), { gapRetryMs: 10 });
      seq.deliver(frame('m', 1));
      seq.deliver(frame('m', 4));
      seq.deliver(frame('m', 5));
      await jest.advanceTimersByTimeAsync(60);
      expect(sent).toEqual([1, 2, 3, 4, 5]);
      seq.dispose();
    });

    test('a read that works but stops short of the held frames (a new primary before the rewrite) is tried again', async () => {
      const sent: number[] = [];
      const reads = [[], [frame('n', 2)], [frame('n', 2), frame('n', 3)]];
      let asked = 0;
      const seq = new FrameSequencer((f) => sent.push(f.seq), () => Promise.resolve(reads[asked++] ?? []), { gapRetryMs: 10 });
      seq.deliver(frame('n', 1));
      seq.deliver(frame('n', 4));
      await jest.advanceTimersByTimeAsync(5);
      expect(sent).toEqual([1]);
      await jest.advanceTimersByTimeAsync(60);
      expect({ asked, sent }).toEqual({ asked: 3, sent: [1, 2, 3, 4] });
      seq.dispose();
    });

    test('a hole the stream never fills goes out after the last try, with what was found', async () => {
      const sent: number[] = [];
      const seq = new FrameSequencer((f) => sent.push(f.seq), () => Promise.resolve([frame('h', 2)]), { gapRetries: 2, gapRetryMs: 10 });
      seq.deliver(frame('h', 1));
      seq.deliver(frame('h', 4));
      await jest.advanceTimersByTimeAsync(60);
      expect(sent).toEqual([1, 2, 4]);
      seq.dispose();
    });
  });
});

describe('FrameSequencer after the end', () => {
  test('an ended generation’s frames that come again (a repair read them while the live ones were held) are not sent twice', async () => {
    const sent: number[] = [];
    let release: (frames: BusFrame[]) => void = () => {};
    const seq = new FrameSequencer((f) => sent.push(f.seq), () => new Promise((r) => (release = r)));
    seq.deliver(frame('e', 1));
    seq.deliver(frame('e', 3, true)); // 2 lost: the stream is read while 3 waits
    release([frame('e', 2), frame('e', 3, true)]);
    await new Promise((r) => setImmediate(r));
    seq.deliver(frame('e', 3, true)); // and once more, as a failover's rewrite would publish it
    expect(sent).toEqual([1, 2, 3]);
    seq.dispose();
  });
});

describe('FrameSequencer stall repair', () => {
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  };

  test('a generation gone quiet is read from its stream: the lost last frames arrive, terminal included, then it stops looking', async () => {
    const sent: number[] = [];
    const asked: number[] = [];
    const stream = [frame('q', 1), frame('q', 2), frame('q', 3), frame('q', 4, true)];
    const seq = new FrameSequencer(
      (f) => sent.push(f.seq),
      async (_id, after) => {
        asked.push(after);
        return stream.filter((f) => f.seq > after);
      },
      { stallRepairMs: 30 },
    );
    seq.deliver(frame('q', 1));
    seq.deliver(frame('q', 2));
    await until(() => sent.length === 4);
    expect(sent).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([2]);
    // Ended: no more lookups.
    await new Promise((r) => setTimeout(r, 150));
    expect(asked).toEqual([2]);
  });

  test('a disposed sequencer (its receiver left) looks for nothing', async () => {
    const asked: number[] = [];
    const seq = new FrameSequencer(() => {}, async (_id, after) => (asked.push(after), []), { stallRepairMs: 20 });
    seq.deliver(frame('d', 1));
    seq.dispose();
    await new Promise((r) => setTimeout(r, 150));
    expect(asked).toEqual([]);
  });
});

test('toBusFrame reads routing fields and rejects garbage', () => {
  expect(toBusFrame('{"type":"status_update","status":"cancelled","message_id":"m","seq":4}')).toMatchObject({ messageId: 'm', seq: 4, terminal: true });
  expect(toBusFrame('{"type":"chat_stream","message_id":"m","seq":2}')?.terminal).toBe(false);
  expect(toBusFrame('nope')).toBeNull();
  expect(toBusFrame('{"message_id":"m"}')).toBeNull();
});

describe('UserFanout against Redis', () => {
  const prefix = testPrefix();
  const keys = createKeys(prefix);
  const sub = new Redis(testRedisUrl());
  const pub = new Redis(testRedisUrl());
  const fanout = new UserFanout(sub, keys, createLogger('test', 'silent'));
  afterAll(async () => {
    sub.disconnect();
    pub.disconnect();
    await deleteKeysWithPrefix(prefix);
  });

  const sink = (userId: string): FrameSink & { got: number[] } => {
    const got: number[] = [];
    return { userId, got, deliver: (f) => got.push(f.seq) };
  };

  test('every sink of the user receives the frames published after add resolves; other users none', async () => {
    const a1 = sink('ua');
    const a2 = sink('ua');
    const b = sink('ub');
    await Promise.all([fanout.add(a1), fanout.add(a2), fanout.add(b)]);
    await pub.spublish(keys.userChannel('ua'), frame('m', 1).raw);
    await pub.spublish(keys.userChannel('ua'), 'garbage');
    await pub.spublish(keys.userChannel('ua'), frame('m', 2).raw);
    await new Promise((r) => setTimeout(r, 100));
    expect(a1.got).toEqual([1, 2]);
    expect(a2.got).toEqual([1, 2]);
    expect(b.got).toEqual([]);
    fanout.remove(a1);
    fanout.remove(a2);
    await pub.spublish(keys.userChannel('ua'), frame('m', 3).raw);
    await new Promise((r) => setTimeout(r, 100));
    expect(a1.got).toEqual([1, 2]);
    expect(fanout.size).toBe(1);
    fanout.remove(b);
  });
});
