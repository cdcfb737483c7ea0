import { chatCause } from './chat-meter';
import { WireTally, type WireFrame } from './wire-tally';

const m = 'msg_1';
const status = (seq: number, s: string, data: Record<string, unknown> = {}): WireFrame => ({ type: 'status_update', status: s, seq, message_id: m, data });
const token = (seq: number, delta: string, seqFrom?: number): WireFrame => ({ type: 'chat_stream', seq, delta, message_id: m, ...(seqFrom ? { seq_from: seqFrom } : {}) });

const feed = (frames: WireFrame[]): WireTally => {
  const t = new WireTally();
  frames.forEach((f, i) => t.push(f, 1000 + i));
  return t;
};

describe('WireTally: what the wire delivered, before the SDK repaired it', () => {
  it('an orderly answer: no duplicate, no reorder, nothing lost, the text in seq order', () => {
    const t = feed([status(1, 'sending'), status(2, 'streaming'), token(3, 'a'), token(4, 'b'), status(5, 'done')]);
    expect([t.duplicated, t.reordered, t.lostSeqs]).toEqual([0, 0, 0]);
    expect(t.text).toBe('ab');
    expect(t.tokenArrivals()).toEqual([1002, 1003]);
  });

  it('a replay overlapping the live stream counts duplicates; a late frame counts as reordered', () => {
    const t = feed([status(1, 'sending'), token(2, 'a'), token(4, 'c'), token(3, 'b'), token(4, 'c'), token(2, 'a'), status(5, 'done')]);
    expect(t.duplicated).toBe(2);
    expect(t.reordered).toBe(1);
    expect(t.lostSeqs).toBe(0);
    expect(t.text).toBe('abc');
  });

  it('seqs that never arrived before the terminal frame are lost', () => {
    const t = feed([status(1, 'sending'), token(2, 'a'), token(5, 'd'), status(6, 'done')]);
    expect(t.lostSeqs).toBe(2);
    expect(t.terminalSeq).toBe(6);
  });

  it('a merged frame (seq_from) stands for every seq in its range, each arriving with it', () => {
    const t = feed([status(1, 'sending'), token(2, 'a'), token(5, 'bcd', 3), token(4, 'c'), status(6, 'done')]);
    expect(t.lostSeqs).toBe(0);
    expect(t.duplicated).toBe(1);
    expect(t.tokenArrivals()).toEqual([1001, 1002, 1002, 1002]);
    expect(t.text).toBe('abcd');
  });

  it('a restart notice voids the tokens before it', () => {
    const t = feed([status(1, 'sending'), status(2, 'streaming'), token(3, 'old'), status(4, 'streaming', { restart: true }), token(5, 'new'), status(6, 'done')]);
    expect(t.text).toBe('new');
    expect(t.tokenArrivals()).toEqual([1004]);
  });

  it('frames without seq are not counted', () => {
    const t = new WireTally();
    expect(t.push({ type: 'status_update', status: 'done', message_id: m }, 1)).toBe(false);
    expect(t.terminalSeq).toBeNull();
  });
});

describe('chatCause: an answer is exact only when every check agrees', () => {
  const transcript = { lastUserMessage: 'q', content: 'abc', tokens: [] };
  it.each([
    [{ state: 'done', text: 'abc', fullResponse: 'abc' }, transcript, null],
    [{ state: 'done', text: 'abc', fullResponse: 'abc' }, undefined, null],
    [{ state: 'done', text: 'ab', fullResponse: 'abc' }, transcript, 'text_mismatch'],
    [{ state: 'done', text: 'abd', fullResponse: 'abd' }, transcript, 'text_mismatch'],
    [{ state: 'done', text: 'abc', fullResponse: 'abc' }, null, 'no_transcript'],
    [{ state: 'error', text: '', errorCode: 'UPSTREAM_TIMEOUT' }, undefined, 'error:UPSTREAM_TIMEOUT'],
    [{ state: 'timeout', text: 'a' }, transcript, 'timeout'],
  ] as const)('%j against %j → %s', (end, t, cause) => {
    expect(chatCause(end, t)).toBe(cause);
  });
});
