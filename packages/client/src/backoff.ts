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
