/** Options of a {@link RetryBudget}; every field has the default shown. */
export interface RetryBudgetOptions {
  /** Retries allowed per request seen in the window. Default 0.2 (Envoy's and Finagle's 20 %). */
  budgetRatio?: number;
  /** Retries always allowed per second of window, so a quiet client can still retry. Default 3. */
  minRetriesPerSecond?: number;
  /** Length of the sliding window. Default 10 000 ms. */
  windowMs?: number;
  /** Clock in milliseconds; inject a fake one in tests. Default `Date.now`. */
  now?: () => number;
}

/** The window slides in this many steps: fine enough to be fair, small enough to be cheap. */
const BUCKETS = 10;
/** Absorbs floating-point error, so that 0.29 × 100 requests still allow the 29th retry. */
const EPSILON = 1e-9;

/**
 * Caps retries at a share of the traffic. Why: when an upstream is down, per-call retries
 * multiply the load on it exactly when it can least take it (a retry storm); a budget keeps
 * the extra load to `budgetRatio` plus a small floor, however many callers retry.
 *
 * Within the window, retries never exceed `budgetRatio × requests + minRetriesPerSecond ×
 * window seconds`. The window slides in tenths of `windowMs`.
 *
 * @example
 * const budget = new RetryBudget({ budgetRatio: 0.1 });
 * budget.recordRequest();
 * if (failed && budget.tryAcquireRetry()) retry();
 */
export class RetryBudget {
  private readonly ratio: number;
  private readonly floor: number;
  private readonly bucketMs: number;
  private readonly now: () => number;
  private readonly requests = new Array<number>(BUCKETS).fill(0);
  private readonly retries = new Array<number>(BUCKETS).fill(0);
  /** Absolute number (time / bucketMs) of the newest bucket in the ring. */
  private newestBucket: number;

  constructor(options: RetryBudgetOptions = {}) {
    const { budgetRatio = 0.2, minRetriesPerSecond = 3, windowMs = 10_000, now = () => Date.now() } = options;
    if (!(budgetRatio >= 0) || !(minRetriesPerSecond >= 0) || !(windowMs > 0)) {
      throw new RangeError('RetryBudget needs budgetRatio >= 0, minRetriesPerSecond >= 0 and windowMs > 0');
    }
    this.ratio = budgetRatio;
    this.floor = (minRetriesPerSecond * windowMs) / 1000;
    this.bucketMs = windowMs / BUCKETS;
    this.now = now;
    this.newestBucket = this.bucketOf(now());
  }

  /** Counts one original request (not a retry); each one adds `budgetRatio` to the budget. */
  recordRequest(): void {
    const slot = this.slide();
    this.requests[slot] = (this.requests[slot] ?? 0) + 1;
  }

  /** Takes one retry from the budget; `false` means the caller must not retry. */
  tryAcquireRetry(): boolean {
    const slot = this.slide();
    if (sum(this.retries) + 1 > this.ratio * sum(this.requests) + this.floor + EPSILON) return false;
    this.retries[slot] = (this.retries[slot] ?? 0) + 1;
    return true;
  }

  private bucketOf(timeMs: number): number {
    return Math.floor(timeMs / this.bucketMs);
  }

  /** Moves the window to now, emptying the buckets that fell out of it; returns the current slot. */
  private slide(): number {
    const current = this.bucketOf(this.now());
    const expired = Math.min(current - this.newestBucket, BUCKETS);
    for (let step = 1; step <= expired; step++) {
      const slot = (this.newestBucket + step) % BUCKETS;
      this.requests[slot] = 0;
      this.retries[slot] = 0;
    }
    if (current > this.newestBucket) this.newestBucket = current;
    return this.newestBucket % BUCKETS;
  }
}

function sum(counts: readonly number[]): number {
  return counts.reduce((total, count) => total + count, 0);
}
