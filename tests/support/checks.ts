import type { Frame } from './ws-client';

/**
 * Two texts are equal; when not, a short message says where they part (a failure must stay
 * readable when the answers are megabytes long).
 */
export const expectSameText = (actual: string, expected: string, what = 'text'): void => {
  if (actual === expected) return;
  let at = 0;
  while (at < actual.length && actual[at] === expected[at]) at++;
  const around = (s: string) => JSON.stringify(s.slice(Math.max(0, at - 20), at + 40));
  throw new Error(`${what} differs at character ${at} (lengths ${actual.length} vs ${expected.length}): got ${around(actual)}, expected ${around(expected)}`);
};

/**
 * The delivery guarantee, checked on one generation's frames as a client received them:
 * seq 1..n without gap or repeat, sending → streaming → deltas → exactly one terminal status
 * with nothing after it, and (when done) full_response equal to the concatenated deltas (those
 * after the last restart notice, if a worker was replaced mid-answer).
 */
export const checkGeneration = (frames: Frame[]): { status: string; text: string; terminal: Frame } => {
  const seqs = frames.map((f) => f.seq);
  expect(seqs).toEqual(frames.map((_, i) => i + 1));
  expect(frames[0]).toMatchObject({ type: 'status_update', status: 'sending', seq: 1 });
  // The original's clients read `data.x` of every status unguarded.
  for (const f of frames) if (f.type === 'status_update') expect({ status: f.status, data: f.data }).toEqual({ status: f.status, data: expect.any(Object) });
  const terminals = frames.filter((f) => f.type === 'status_update' && ['done', 'error', 'cancelled'].includes(String(f.status)));
  expect(terminals).toHaveLength(1);
  const terminal = terminals[0] as Frame;
  expect(frames[frames.length - 1]).toBe(terminal);
  // A restart notice (a takeover after a worker died) tells the client to drop what it showed.
  const restartAt = frames.map((f) => (f.data as { restart?: boolean } | null)?.restart === true).lastIndexOf(true);
  const text = frames
    .slice(restartAt + 1)
    .filter((f) => f.type === 'chat_stream')
    .map((f) => String(f.delta))
    .join('');
  if (terminal.status === 'done') {
    expect(frames[1]).toMatchObject({ type: 'status_update', status: 'streaming', seq: 2 });
    const data = terminal.data as { full_response: string; response_length: number };
    expectSameText(data.full_response, text, 'full_response vs the deltas');
    expect(data.response_length).toBe([...text].length);
  }
  return { status: String(terminal.status), text, terminal };
};

/**
 * One generation's wire frames from several sockets in turn (a reconnect and resume may repeat a
 * frame the new socket already had live): a repeated seq must be the very same frame. Returns one
 * frame per seq in seq order, any gap left for checkGeneration to see.
 */
export const mergeBySeq = (frames: Frame[]): Frame[] => {
  const bySeq = new Map<number, Frame>();
  for (const f of frames) {
    const seq = Number(f.seq);
    const seen = bySeq.get(seq);
    if (seen) expect(f).toEqual(seen);
    else bySeq.set(seq, f);
  }
  return [...bySeq.keys()].sort((a, b) => a - b).map((seq) => bySeq.get(seq) as Frame);
};
