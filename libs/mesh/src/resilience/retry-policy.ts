import { DelegateBackoff, handleWhen, retry, type RetryPolicy } from 'cockatiel';
import { classifyFailure } from '../errors/failure-class';
import { type Deadline } from './deadline';
import { jitteredBackoffMs, type JitteredBackoffOptions } from './jittered-backoff';
import { type RetryBudget } from './retry-budget';

/** Back-off between tries: the shared {@link jitteredBackoffMs}. Defaults: `resilienceDefaults.retries.backoff`. */
export type BackoffOptions = Partial<JitteredBackoffOptions>;

/** Options of one call's retry policy; the pipeline fills them from its own options and the request. */
export interface RetryPolicyOptions {
  /** Tries in all, the first included; 1 turns retries off. */
  maxAttempts: number;
  backoff: JitteredBackoffOptions;
  /** Shared by every call to the upstream; each retry takes one token from it. */
  budget: RetryBudget;
  /** A retry whose back-off would end at or after the deadline is not started. */
  deadline: Deadline;
}

/**
 * Decides, failure by failure, whether one call tries again, and after which back-off. Kept per
 * call, because the answer depends on that call's deadline and attempt count; the budget it
 * draws from is shared.
 *
 * A failure is retried only when all hold, checked in this order so that no budget token is
 * spent on a retry that would not happen: `classifyFailure` calls the error transient (the
 * rule the event consumers follow too: unknown errors are not retried), tries remain, the next
 * back-off fits before the deadline, and the budget grants a token. The pipeline's own
 * rejections (open breaker, full bulkhead, cancelled try) reach this stage as cockatiel's
 * errors, which are unknown here, so a call that met them fails fast.
 *
 * @returns `nextDelayMs(error)`: the back-off before the next try, or `undefined` for no retry.
 */
export function retryDecision(options: RetryPolicyOptions): { nextDelayMs(error: unknown): number | undefined } {
  const { maxAttempts, backoff, budget, deadline } = options;
  let failures = 0;
  return {
    nextDelayMs(error) {
      failures += 1;
      if (classifyFailure(error) !== 'transient' || failures >= maxAttempts) return undefined;
      const delayMs = jitteredBackoffMs(failures, backoff);
      if (delayMs >= deadline.remainingMs()) return undefined;
      if (!budget.tryAcquireRetry()) return undefined;
      return delayMs;
    },
  };
}

/** The retry stage of one call, as a cockatiel policy: {@link retryDecision} decides, cockatiel sleeps and tries again. */
export function createRetryPolicy(options: RetryPolicyOptions): RetryPolicy {
  const decision = retryDecision(options);
  let plannedMs = 0;
  const mayRetry = (error: unknown): boolean => {
    const delay = decision.nextDelayMs(error);
    if (delay === undefined) return false;
    plannedMs = delay;
    return true;
  };
  // The delay was drawn while deciding (to check it against the deadline); cockatiel sleeps it.
  return retry(handleWhen(mayRetry), { maxAttempts: Math.max(0, options.maxAttempts - 1), backoff: new DelegateBackoff(() => plannedMs) });
}

/** A failed try that its call's {@link retryDecision} chose to retry, with the back-off to sleep first. */
export class PlannedRetry {
  constructor(
    readonly failure: unknown,
    readonly delayMs: number,
  ) {}
}

/**
 * One retry policy for every call to an upstream, built once: each call brings its own
 * {@link retryDecision} and turns a failure it retries into a {@link PlannedRetry}, which this
 * policy sleeps and retries; anything else passes through as the call's failure.
 */
export function createSharedRetryPolicy(): RetryPolicy {
  return retry(
    handleWhen((error) => error instanceof PlannedRetry),
    {
      maxAttempts: MAX_RETRIES,
      backoff: new DelegateBackoff((context) => ('error' in context.result && context.result.error instanceof PlannedRetry ? context.result.error.delayMs : 0)),
    },
  );
}

/** Above any configured attempt count (the mesh's limit is 10): the call's own decision stops first. */
const MAX_RETRIES = 100;
