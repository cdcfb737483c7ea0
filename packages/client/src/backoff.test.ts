import { backoffCeiling, backoffDelay, backoffDelayFromHalf } from './backoff';

const opts = { initialMs: 100, maxMs: 5000 };

test('the ceiling doubles with every attempt and stops at maxMs', () => {
  expect([0, 1, 2, 3, 4, 5, 6, 50].map((n) => backoffCeiling(n, opts))).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
});

test('full jitter: the delay is uniform between 0 and the ceiling', () => {
  expect(backoffDelay(3, opts, () => 0)).toBe(0);
  expect(backoffDelay(3, opts, () => 0.5)).toBe(400);
  expect(backoffDelay(3, opts, () => 0.999999)).toBe(799);
  expect(backoffDelay(40, opts, () => 0.999999)).toBe(4999);
});

test('real randomness stays within the bounds and is not constant', () => {
  const delays = Array.from({ length: 200 }, () => backoffDelay(2, opts));
  expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...delays)).toBeLessThan(400);
  expect(new Set(delays).size).toBeGreaterThan(10);
});

test('equal jitter: between half the ceiling and the ceiling, so every retry waits longer than the one before could', () => {
  expect([0, 1, 2, 3].map((n) => backoffDelayFromHalf(n, opts, () => 0))).toEqual([50, 100, 200, 400]);
  expect([0, 1, 2, 3].map((n) => backoffDelayFromHalf(n, opts, () => 0.999999))).toEqual([99, 199, 399, 799]);
  expect(backoffDelayFromHalf(40, opts, () => 0)).toBe(2500);
});
