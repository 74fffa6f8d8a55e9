import { halfJitterGenerator } from 'cockatiel';

/** The shape of a back-off: doubling from `initialMs`, never above `maxMs`. */
export interface JitteredBackoffOptions {
  /** The ceiling of the first delay. */
  initialMs: number;
  /** No delay is longer. */
  maxMs: number;
}

/**
 * MeshMart's one back-off: the delay before try `attempt + 1` after `attempt` failures, for a
 * call's few retries (the mesh), for work retried until it succeeds (saga steps, consumed
 * events), and for everything that waits for something to come back (a database at start,
 * etcd, a crashed process under the demo's supervisor). Exponential with "equal jitter"
 * (cockatiel's `halfJitterGenerator`: between half and all of `min(maxMs, initialMs × 2^(attempt−1))`),
 * so many callers that failed together do not come back together, yet none retries at once.
 * Stateless, so a count kept in a database is enough to continue it.
 * @example jitteredBackoffMs(3, { initialMs: 200, maxMs: 5_000 }) // between 400 and 800
 */
export function jitteredBackoffMs(attempt: number, options: JitteredBackoffOptions): number {
  const [delay] = halfJitterGenerator(Math.max(0, attempt - 1), {
    initialDelay: options.initialMs,
    maxDelay: options.maxMs,
    exponent: 2,
    generator: halfJitterGenerator,
  });
  return delay;
}

/**
 * {@link jitteredBackoffMs} for a loop that keeps its own count: each `next()` is the delay after
 * one more failure, `reset()` starts again from the first.
 * @example const delays = new JitteredBackoff({ initialMs: 250, maxMs: 5_000 }); await sleep(delays.next());
 */
export class JitteredBackoff {
  private failures = 0;

  constructor(private readonly options: JitteredBackoffOptions) {}

  next(): number {
    this.failures += 1;
    return jitteredBackoffMs(this.failures, this.options);
  }

  reset(): void {
    this.failures = 0;
  }
}
