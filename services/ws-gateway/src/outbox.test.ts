import { Outbox, type OutboundSocket } from './outbox';

/** A socket whose unsent bytes the test sets, and whose writes complete when the test says so. */
class FakeSocket implements OutboundSocket {
  readyState = 1;
  bufferedAmount = 0;
  readonly written: Record<string, unknown>[] = [];
  private callbacks: (() => void)[] = [];

  send(data: string, cb: () => void): void {
    this.written.push(JSON.parse(data) as Record<string, unknown>);
    this.callbacks.push(cb);
  }

  /** What the client got, without the filler frame that congested the socket. */
  get sent(): Record<string, unknown>[] {
    return this.written.filter((f) => f.type !== 'filler');
  }

  /** The client read everything: the buffer is empty and every write completes. */
  drain(): void {
    this.bufferedAmount = 0;
    const cbs = this.callbacks.splice(0);
    for (const cb of cbs) cb();
  }
}

const SOFT = 1000;
const HARD = 5000;

const setup = (pollMs = 10_000) => {
  const socket = new FakeSocket();
  const events = { merges: 0, overflows: 0 };
  const outbox = new Outbox(socket, { softCapBytes: SOFT, hardCapBytes: HARD, onMerge: () => events.merges++, onOverflow: () => events.overflows++, pollMs });
  /** A big write the client does not read: the socket is over the soft cap until `drain`. */
  const congest = () => {
    outbox.push(JSON.stringify({ type: 'filler' }));
    socket.bufferedAmount = SOFT + 1;
  };
  return { socket, outbox, events, congest };
};

const stream = (messageId: string, seq: number, delta: string, type = 'chat_stream') =>
  JSON.stringify({ type, ...(type === 'chat_stream' ? { status: 'streaming' } : {}), delta, conversation_id: 'c1', message_id: messageId, seq, timestamp: `t${seq}` });
const status = (messageId: string, seq: number, s: string) =>
  JSON.stringify({ type: 'status_update', status: s, message: s, data: {}, conversation_id: 'c1', message_id: messageId, seq, timestamp: `t${seq}` });
const push = (outbox: Outbox, raw: string) => {
  const f = JSON.parse(raw) as { message_id?: string; seq?: number };
  outbox.push(raw, f.message_id && f.seq ? { messageId: f.message_id, seq: f.seq } : undefined);
};

test('under the soft cap every frame is sent at once, byte for byte', () => {
  const { socket, outbox, events } = setup();
  for (let seq = 1; seq <= 3; seq++) push(outbox, stream('m', seq, `d${seq}`));
  expect(socket.sent.map((f) => f.seq)).toEqual([1, 2, 3]);
  expect(socket.sent.every((f) => !('seq_from' in f))).toBe(true);
  expect(events.merges).toBe(0);
});

test('above the soft cap consecutive deltas become one frame: concatenated delta, last seq, seq_from', () => {
  const { socket, outbox, events } = setup();
  push(outbox, status('m', 1, 'sending'));
  socket.bufferedAmount = SOFT + 1;
  push(outbox, status('m', 2, 'streaming'));
  ['你', ' ', '好\n', '🙂'].forEach((d, i) => push(outbox, stream('m', 3 + i, d)));
  expect(socket.sent).toHaveLength(1);
  expect(events.merges).toBe(3);
  socket.drain();
  expect(socket.sent.slice(1)).toEqual([
    expect.objectContaining({ type: 'status_update', status: 'streaming', seq: 2 }),
    { type: 'chat_stream', status: 'streaming', delta: '你 好\n🙂', conversation_id: 'c1', message_id: 'm', seq: 6, seq_from: 3, timestamp: 't6' },
  ]);
});

test('a status frame is never merged and keeps its place; deltas after it start a new frame', () => {
  const { socket, outbox, congest } = setup();
  congest();
  push(outbox, stream('m', 5, 'a'));
  push(outbox, stream('m', 6, 'b'));
  push(outbox, JSON.stringify({ type: 'error', error_code: 'UPSTREAM_INTERRUPTED', message: 'x', message_id: 'm', conversation_id: 'c1', seq: 7 }));
  push(outbox, stream('m', 8, 'c'));
  push(outbox, status('m', 9, 'error'));
  socket.drain();
  expect(socket.sent.map((f) => [f.type, f.seq_from ?? f.seq, f.seq, f.delta])).toEqual([
    ['chat_stream', 5, 6, 'ab'],
    ['error', 7, 7, undefined],
    ['chat_stream', 8, 8, 'c'],
    ['status_update', 9, 9, undefined],
  ]);
});

test('reasoning and answer deltas are merged separately, never into each other', () => {
  const { socket, outbox, congest } = setup();
  congest();
  push(outbox, stream('m', 3, 'think ', 'reasoning_stream'));
  push(outbox, stream('m', 4, 'more', 'reasoning_stream'));
  push(outbox, stream('m', 5, 'answer', 'chat_stream'));
  push(outbox, stream('m', 6, '!', 'chat_stream'));
  socket.drain();
  expect(socket.sent.map((f) => [f.type, f.seq_from, f.seq, f.delta])).toEqual([
    ['reasoning_stream', 3, 4, 'think more'],
    ['chat_stream', 5, 6, 'answer!'],
  ]);
});

test('two generations are merged each on its own, each in its own seq order', () => {
  const { socket, outbox, congest } = setup();
  congest();
  push(outbox, stream('a', 3, 'a3'));
  push(outbox, stream('b', 3, 'b3'));
  push(outbox, stream('a', 4, 'a4'));
  push(outbox, stream('b', 4, 'b4'));
  socket.drain();
  expect(socket.sent.map((f) => [f.message_id, f.seq_from, f.seq, f.delta])).toEqual([
    ['a', 3, 4, 'a3a4'],
    ['b', 3, 4, 'b3b4'],
  ]);
});

test('a gap in seq is never merged over, so seq_from..seq always means exactly those frames', () => {
  const { socket, outbox, events, congest } = setup();
  congest();
  push(outbox, stream('m', 3, 'x'));
  push(outbox, stream('m', 5, 'y'));
  socket.drain();
  expect(socket.sent.map((f) => [f.seq, f.seq_from])).toEqual([
    [3, undefined],
    [5, undefined],
  ]);
  expect(events.merges).toBe(0);
});

test('frames outside a generation wait their turn behind the queued ones', () => {
  const { socket, outbox, congest } = setup();
  congest();
  push(outbox, stream('m', 3, 'x'));
  outbox.push(JSON.stringify({ type: 'pong', timestamp: 'now' }));
  socket.drain();
  expect(socket.sent.map((f) => f.type)).toEqual(['chat_stream', 'pong']);
});

test('waiting frames go out only while the socket stays under the soft cap', () => {
  const { socket, outbox, congest } = setup();
  congest();
  push(outbox, status('m', 2, 'streaming'));
  push(outbox, stream('m', 3, 'x'));
  const originalSend = socket.send.bind(socket);
  // Each write fills the socket again: one entry per drain.
  socket.send = (data, cb) => {
    originalSend(data, cb);
    socket.bufferedAmount = SOFT + 1;
  };
  socket.drain();
  expect(socket.sent.map((f) => f.seq)).toEqual([2]);
  socket.drain();
  expect(socket.sent.map((f) => f.seq)).toEqual([2, 3]);
});

test('past the hard cap (socket plus queue) the queue is dropped and the owner is told once', () => {
  const { socket, outbox, events, congest } = setup();
  congest();
  push(outbox, stream('m', 3, 'x'.repeat(HARD)));
  push(outbox, stream('m', 4, 'y'));
  expect(events.overflows).toBe(1);
  expect(outbox.waiting).toBe(0);
  push(outbox, stream('m', 5, 'z'));
  socket.drain();
  expect(socket.sent).toEqual([]);
  expect(events.overflows).toBe(1);
});

test('merged bytes count toward the hard cap', () => {
  const { socket, outbox, events, congest } = setup();
  congest();
  for (let seq = 3; events.overflows === 0 && seq < 10_000; seq++) push(outbox, stream('m', seq, '睡眠'));
  expect(events.overflows).toBe(1);
  // 6 bytes a delta: about (HARD - SOFT) / 6 deltas fit before the cap.
  expect(events.merges).toBeGreaterThan((HARD - SOFT) / 6 - 200);
  expect(events.merges).toBeLessThan((HARD - SOFT) / 6 + 1);
});

test('when no write of its own is pending (the buffer holds a ping or the like), a poll sends what waits', async () => {
  const { socket, outbox } = setup(20);
  socket.bufferedAmount = SOFT + 1;
  push(outbox, stream('m', 3, 'x'));
  push(outbox, stream('m', 4, 'y'));
  expect(socket.sent).toEqual([]);
  socket.bufferedAmount = 0;
  await new Promise((resolve) => setTimeout(resolve, 60));
  expect(socket.sent.map((f) => [f.seq_from, f.seq, f.delta])).toEqual([[3, 4, 'xy']]);
});

test('nothing is sent on a socket that is no longer open', () => {
  const { socket, outbox, congest } = setup();
  congest();
  push(outbox, stream('m', 3, 'x'));
  socket.readyState = 2;
  socket.drain();
  push(outbox, stream('m', 4, 'y'));
  expect(socket.sent).toEqual([]);
  expect(outbox.waiting).toBe(0);
});
