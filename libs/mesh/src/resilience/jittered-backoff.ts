/** The shape of a retry-forever back-off: doubling from `initialMs`, never above `maxMs`. */
export interface JitteredBackoffOptions {
  /** The ceiling of the first delay. */
  initialMs: number;
  /** No delay is longer. */
  maxMs: number;
}

/**
 * The delay before try `attempt + 1` after `attempt` failures, for work retried until it
 * succeeds (saga steps, consumed events): exponential, "equal jitter" (between half and all of
 * `min(maxMs, initialMs × 2^(attempt−1))`), so many workers that failed together do not come
 * back together. Stateless, so a count kept in a database is enough to continue it. (A single
 * call's few retries use cockatiel's decorrelated back-off in `retry-policy.ts` instead.)
 * @example jitteredBackoffMs(3, { initialMs: 200, maxMs: 5_000 }) // between 400 and 800
 */
export function jitteredBackoffMs(attempt: number, options: JitteredBackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
