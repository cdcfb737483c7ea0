// Small numeric helpers for the family report, leaderboard and challenges.

export const round = (n: number, digits = 1): number => {
  const factor = 10 ** digits;
  return Math.round(n * factor) / factor;
};

export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** The mean, or null for no values. */
export const mean = (values: readonly number[]): number | null => (values.length ? sum(values) / values.length : null);

export const roundOrNull = (n: number | null, digits = 1): number | null => (n === null ? null : round(n, digits));

/** Percent change from `previous` to `current`; null when either is missing or `previous` is 0. */
export const percentChange = (current: number | null, previous: number | null): number | null =>
  current === null || previous === null || previous === 0 ? null : round(((current - previous) / Math.abs(previous)) * 100);

/** The present values of `key` across `rows`. */
export const present = <T, K extends keyof T>(rows: readonly T[], key: K): number[] =>
  rows.map((r) => r[key]).filter((v): v is T[K] & number => typeof v === 'number');
