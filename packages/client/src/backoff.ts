export type BackoffOptions = { initialMs: number; maxMs: number };

export const defaultBackoff: BackoffOptions = { initialMs: 250, maxMs: 15000 };

/** The ceiling of attempt `n` (0-based): initialMs·2ⁿ, capped at maxMs. */
export const backoffCeiling = (attempt: number, { initialMs, maxMs }: BackoffOptions): number =>
  Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));

/**
 * "Full jitter" (a uniform delay between 0 and the ceiling): when a gateway dies, its thousands of
 * clients spread their reconnects out instead of hitting the survivors in one wave.
 */
export const backoffDelay = (attempt: number, opts: BackoffOptions = defaultBackoff, random: () => number = Math.random): number =>
  Math.floor(random() * backoffCeiling(attempt, opts));

/**
 * "Equal jitter" (between half the ceiling and the ceiling): for retries where going again at once
 * is known to fail — the user's connection limit is full until one of their connections goes — so
 * the wait grows for sure, while the jitter still spreads the retries of many clients.
 */
export const backoffDelayFromHalf = (attempt: number, opts: BackoffOptions = defaultBackoff, random: () => number = Math.random): number => {
  const ceiling = backoffCeiling(attempt, opts);
  return Math.floor(ceiling / 2 + (random() * ceiling) / 2);
};
