import { DelegateBackoff, ExponentialBackoff, handleWhen, retry, type IBackoff, type RetryPolicy } from 'cockatiel';
import { classifyFailure } from '../errors/failure-class';
import { type Deadline } from './deadline';
import { type RetryBudget } from './retry-budget';

/** Back-off between tries: exponential with decorrelated jitter (cockatiel's default generator). */
export interface BackoffOptions {
  /** Scale of the first delay; with jitter it falls between 0 and about 1.4 × this. Default 25 ms. */
  initialMs?: number;
  /** No delay is longer. Default 1 000 ms. */
  maxMs?: number;
}

/** Options of one call's retry policy; the pipeline fills them from its own options and the request. */
export interface RetryPolicyOptions {
  /** Tries in all, the first included; 1 turns retries off. */
  maxAttempts: number;
  backoff: Required<BackoffOptions>;
  /** Shared by every call to the upstream; each retry takes one token from it. */
  budget: RetryBudget;
  /** A retry whose back-off would end at or after the deadline is not started. */
  deadline: Deadline;
}

/**
 * The retry stage of one call. It is built per call, because whether to retry depends on that
 * call's deadline and attempt count; the budget it draws from is shared.
 *
 * A failure is retried only when all hold, checked in this order so that no budget token is
 * spent on a retry that would not happen: `classifyFailure` calls the error transient (the
 * rule the event consumers follow too: unknown errors are not retried), tries remain, the next
 * back-off fits before the deadline, and the budget grants a token. The pipeline's own
 * rejections (open breaker, full bulkhead, cancelled try) reach this stage as cockatiel's
 * errors, which are unknown here, so a call that met them fails fast.
 */
export function createRetryPolicy(options: RetryPolicyOptions): RetryPolicy {
  const { maxAttempts, backoff, budget, deadline } = options;
  const delays = new ExponentialBackoff({ initialDelay: backoff.initialMs, maxDelay: backoff.maxMs });
  let lastDelay: IBackoff<unknown> | undefined;
  let failures = 0;

  const mayRetry = (error: unknown): boolean => {
    failures += 1;
    if (classifyFailure(error) !== 'transient' || failures >= maxAttempts) return false;
    const next = lastDelay ? lastDelay.next(undefined) : delays.next();
    if (next.duration >= deadline.remainingMs()) return false;
    if (!budget.tryAcquireRetry()) return false;
    lastDelay = next;
    return true;
  };

  // The delay was drawn while deciding (to check it against the deadline); cockatiel sleeps it.
  const plannedDelay = new DelegateBackoff(() => lastDelay?.duration ?? 0);
  return retry(handleWhen(mayRetry), { maxAttempts: Math.max(0, maxAttempts - 1), backoff: plannedDelay });
}
