import { chatStreamFrame, errorFrame, reasoningStreamFrame, statusUpdateFrame } from '@aurawell/protocol';
import { GenerationAssembler, type GenerationFrame } from './assembler';

const ref = { messageId: 'msg_1', conversationId: 'conv_1' };
const sending = statusUpdateFrame(ref, 1, 'sending');
const streaming = statusUpdateFrame(ref, 2, 'streaming');
const delta = (seq: number, text: string): GenerationFrame => chatStreamFrame(ref, seq, text);
const merged = (from: number, to: number, text: string): GenerationFrame => ({ ...chatStreamFrame(ref, to, text), seq_from: from });
const done = (seq: number, full: string) => statusUpdateFrame(ref, seq, 'done', { full_response: full, response_length: [...full].length });

/** Pushes every frame; returns the assembler and the seqs it applied, in order. */
const feed = (frames: GenerationFrame[]) => {
  const a = new GenerationAssembler();
  const applied: number[] = [];
  const gaps: boolean[] = [];
  for (const f of frames) {
    const r = a.push(f);
    applied.push(...r.applied.map((x) => x.seq ?? 0));
    gaps.push(r.gap);
  }
  return { a, applied, gaps };
};

test('frames in order build the text, and the terminal ends the generation', () => {
  const { a, applied, gaps } = feed([sending, streaming, delta(3, '你好'), delta(4, '，  世界\n'), done(5, '你好，  世界\n')]);
  expect(a.text).toBe('你好，  世界\n');
  expect(applied).toEqual([1, 2, 3, 4, 5]);
  expect(gaps.every((g) => !g)).toBe(true);
  expect(a.status).toBe('done');
  expect(a.finished).toBe(true);
  expect(a.lastSeq).toBe(5);
});

test('out-of-order frames are held and applied in seq order; the gap is reported until filled', () => {
  const { a, applied, gaps } = feed([sending, streaming, delta(4, 'B'), delta(5, 'C'), delta(3, 'A')]);
  expect(applied).toEqual([1, 2, 3, 4, 5]);
  expect(gaps).toEqual([false, false, true, true, false]);
  expect(a.text).toBe('ABC');
  expect(a.lastSeq).toBe(5);
});

test('duplicates (a replay overlapping the live stream) are ignored', () => {
  const { a, applied } = feed([sending, streaming, delta(3, 'A'), delta(4, 'B'), sending, streaming, delta(3, 'A'), delta(4, 'B'), delta(5, 'C'), delta(5, 'C')]);
  expect(a.text).toBe('ABC');
  expect(applied).toEqual([1, 2, 3, 4, 5]);
});

test('a merged frame counts for its whole range', () => {
  const { a, applied } = feed([sending, streaming, delta(3, 'A'), merged(4, 7, 'BCDE'), delta(6, 'D'), delta(8, 'F'), done(9, 'ABCDEF')]);
  expect(a.text).toBe('ABCDEF');
  expect(applied).toEqual([1, 2, 3, 7, 8, 9]);
  expect(a.lastSeq).toBe(9);
});

test('a held merged frame is applied when the frames before it arrive', () => {
  const { a, gaps } = feed([sending, merged(4, 5, 'BC'), streaming, delta(3, 'A')]);
  expect(gaps).toEqual([false, true, true, false]);
  expect(a.text).toBe('ABC');
  expect(a.lastSeq).toBe(5);
});

test('a merged frame straddling lastSeq cannot be split: it is dropped and reported as a gap', () => {
  const { a, gaps } = feed([sending, streaming, delta(3, 'A'), delta(4, 'B'), merged(3, 5, 'ABC')]);
  expect(a.text).toBe('AB');
  expect(a.lastSeq).toBe(4);
  expect(gaps[4]).toBe(true);
  // The resume from lastSeq then brings seq 5 alone.
  expect(a.push(delta(5, 'C')).gap).toBe(false);
  expect(a.text).toBe('ABC');
});

test('a restart notice drops the text and reasoning shown so far', () => {
  const restart = statusUpdateFrame(ref, 6, 'streaming', { restart: true });
  const { a } = feed([sending, streaming, reasoningStreamFrame(ref, 3, '想'), delta(4, '旧的'), delta(5, '回答'), restart, delta(7, '新的'), done(8, '新的')]);
  expect(a.text).toBe('新的');
  expect(a.reasoning).toBe('');
  expect(a.status).toBe('done');
});

test('a restart notice that arrives early waits for its turn', () => {
  const restart = statusUpdateFrame(ref, 4, 'streaming', { restart: true });
  const { a } = feed([sending, streaming, restart, delta(5, 'new'), delta(3, 'old')]);
  expect(a.text).toBe('new');
});

test('reasoning is kept apart from the text', () => {
  const { a } = feed([sending, streaming, reasoningStreamFrame(ref, 3, '思考'), merged(4, 5, 'ab'), { ...reasoningStreamFrame(ref, 7, '…'), seq_from: 6 }]);
  expect(a.reasoning).toBe('思考…');
  expect(a.text).toBe('ab');
});

test('an error frame then the terminal error status', () => {
  const failed = statusUpdateFrame(ref, 5, 'error', { error_code: 'UPSTREAM_INTERRUPTED', partial_response: 'A' });
  const { a } = feed([sending, streaming, delta(3, 'A'), errorFrame('UPSTREAM_INTERRUPTED', 'cut', { ref, seq: 4 }), failed]);
  expect(a.status).toBe('error');
  expect(a.error?.error_code).toBe('UPSTREAM_INTERRUPTED');
  expect(a.text).toBe('A');
  expect(a.terminal).toBe(failed);
});

test('nothing after the terminal frame is applied', () => {
  const { a, applied } = feed([sending, streaming, delta(4, 'late'), done(3, ''), delta(4, 'late')]);
  expect(applied).toEqual([1, 2, 3]);
  expect(a.text).toBe('');
});

test('a stored answer (no seq) carries the whole text', () => {
  const { seq: _seq, ...stored } = statusUpdateFrame(ref, 1, 'done', { full_response: '全部', from_store: true });
  const { a } = feed([stored]);
  expect(a.text).toBe('全部');
  expect(a.status).toBe('done');
  expect(a.finished).toBe(true);
});

test('GENERATION_NOT_FOUND (no seq) ends the generation in error', () => {
  const { a } = feed([{ ...errorFrame('GENERATION_NOT_FOUND', 'gone'), message_id: 'msg_1' }]);
  expect(a.status).toBe('error');
  expect(a.finished).toBe(true);
  expect(a.error?.error_code).toBe('GENERATION_NOT_FOUND');
});
