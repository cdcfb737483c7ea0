import { checkTargets, kneeAtLeastHalf, kneeAtLeastTimes, ratio, type ContenderSummary } from './compare';
import type { KneeResult } from './knee';

const knee = (k: number | null, atLeast = false): KneeResult => ({ knee: k, atLeast, firstOver: atLeast ? null : 999, steps: [{ streams: 50, addedLatencyP99Ms: 1, complete: true }] });
const summary = (name: string, p99: number, ftoP99: number, k: KneeResult, exact = 200): ContenderSummary => ({
  name,
  chats: 200,
  exact,
  addedLatencyMs: { p50: p99 / 2, p99 },
  firstTokenOverheadMs: { p50: ftoP99 / 2, p99: ftoP99 },
  knee: k,
});

describe('ratio', () => {
  it('divides, and has no ratio to a zero or missing base', () => {
    expect(ratio(30, 10)).toBe(3);
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(null, 10)).toBeNull();
    expect(ratio(10, null)).toBeNull();
  });
});

describe('knee comparisons', () => {
  it('half of a measured direct knee', () => {
    expect(kneeAtLeastHalf(knee(200), knee(400))).toBe('met');
    expect(kneeAtLeastHalf(knee(100), knee(400))).toBe('not met');
  });

  it('a direct knee beyond the largest step leaves "at least half" unproven unless clearly missed', () => {
    expect(kneeAtLeastHalf(knee(400, true), knee(400, true))).toBe('unproven');
    expect(kneeAtLeastHalf(knee(100), knee(400, true))).toBe('not met');
  });

  it('at least 1.5× Socket.IO only when its knee was reached and ours is that much higher', () => {
    expect(kneeAtLeastTimes(knee(200), knee(100), 1.5)).toBe('met');
    expect(kneeAtLeastTimes(knee(100), knee(100), 1.5)).toBe('not met');
    expect(kneeAtLeastTimes(knee(100), knee(50), 1.5)).toBe('met');
    expect(kneeAtLeastTimes(knee(50), knee(null), 1.5)).toBe('met');
    expect(kneeAtLeastTimes(knee(null), knee(null), 1.5)).toBe('not met');
    expect(kneeAtLeastTimes(knee(800, true), knee(400, true), 1.5)).toBe('unproven');
    expect(kneeAtLeastTimes(knee(400, true), knee(400, true), 1.5)).toBe('not met');
    expect(kneeAtLeastTimes(knee(200), knee(400, true), 1.5)).toBe('not met');
  });
});

describe('checkTargets', () => {
  it('judges each target of the issue against the same run', () => {
    const checks = checkTargets(summary('sys', 9, 30, knee(200)), summary('direct', 4, 10, knee(400)), summary('sio', 20, 20, knee(100)));
    expect(checks.map((c) => [c.target, c.verdict])).toEqual([
      ['100% complete, exact text', 'met'],
      ['added latency p99 ≤ 2× direct', 'not met'],
      ['first-token overhead p99 ≤ 3× direct', 'met'],
      ['knee ≥ ½ direct', 'met'],
      ['knee ≥ 1.5× Socket.IO + Redis adapter', 'met'],
    ]);
    expect(checks[2]!.detail).toBe('30.0 vs 10.0 ms = 3.00×');
    expect(checks[1]!.detail).toBe('9.0 vs 4.0 ms = 2.25×');
  });

  it('one inexact answer fails completeness', () => {
    const [complete] = checkTargets(summary('sys', 1, 1, knee(50), 199), summary('d', 1, 1, knee(50)), summary('s', 1, 1, knee(50)));
    expect(complete!.verdict).toBe('not met');
  });
});
