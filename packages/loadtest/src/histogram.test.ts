import { LatencyRecorder, Recorders } from './histogram';

const recorderOf = (values: number[]): LatencyRecorder => {
  const r = new LatencyRecorder();
  values.forEach((v) => r.record(v));
  return r;
};

describe('histogram merge across processes', () => {
  it('an encoded histogram added to another equals recording everything in one', () => {
    const a = [1, 2, 3, 5, 8, 13, 21, 250.5];
    const b = [0.4, 7, 7, 7, 900, 1200.25];
    const merged = recorderOf(a);
    merged.addEncoded(recorderOf(b).encode());
    const { max, ...rest } = merged.summary();
    const { max: expectedMax, ...expected } = recorderOf([...a, ...b]).summary();
    expect(rest).toEqual(expected);
    // An encoded max is its bucket's highest equivalent value: equal within 3 significant digits.
    expect(Math.abs(max - expectedMax) / expectedMax).toBeLessThan(1e-3);
    expect(merged.count).toBe(a.length + b.length);
  });

  it('keeps sub-millisecond resolution (microseconds, 3 significant digits)', () => {
    const r = recorderOf([0.25]);
    const copy = new LatencyRecorder();
    copy.addEncoded(r.encode());
    expect(copy.summary().p50).toBeCloseTo(0.25, 3);
  });

  it('Recorders merge by measure name and skip empty ones', () => {
    const child = new Recorders();
    child.get('connect').record(10);
    child.get('first_token').record(300);
    child.get('unused');
    const encoded = child.encode();
    expect(Object.keys(encoded).sort()).toEqual(['connect', 'first_token']);
    const parent = new Recorders();
    parent.get('connect').record(20);
    parent.addEncoded(encoded);
    expect(parent.summaries().connect?.count).toBe(2);
    expect(parent.summaries().first_token?.max).toBeCloseTo(300, 0);
  });

  it('an interval recorder is empty after reset, and add() sums two in one process', () => {
    const interval = new Recorders();
    interval.get('x').record(5);
    const total = new Recorders();
    total.add(interval);
    interval.reset();
    expect(interval.summaries().x?.count).toBe(0);
    expect(interval.encode()).toEqual({});
    expect(total.summaries().x?.count).toBe(1);
  });

  it('ignores values that are not numbers', () => {
    const r = recorderOf([Number.NaN, Number.POSITIVE_INFINITY, 3]);
    expect(r.count).toBe(1);
  });
});
