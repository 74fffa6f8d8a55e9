import { BrokenCircuitError, BulkheadRejectedError } from 'cockatiel';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdentityRejected, UpstreamServerError } from '../errors/mesh-error';
import { Deadline } from './deadline';
import { RetryBudget } from './retry-budget';
import { createRetryPolicy, type RetryPolicyOptions } from './retry-policy';

const backoff = { initialMs: 25, maxMs: 1_000 };

describe('createRetryPolicy', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    vi.spyOn(Math, 'random').mockReturnValue(0.5); // equal jitter at its middle: ¾ of 25, 50, 100 … ms, rounded down: 18, 37, 75 …
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  /** Runs a call that always fails with `error`; returns how many tries it made. */
  async function tries(options: Partial<RetryPolicyOptions>, error: Error = new UpstreamServerError(503)): Promise<number> {
    const policy = createRetryPolicy({
      maxAttempts: 3,
      backoff,
      budget: new RetryBudget({ now: () => 0 }),
      deadline: Deadline.after(10_000),
      ...options,
    });
    let count = 0;
    const done = policy
      .execute(() => {
        count++;
        return Promise.reject(error);
      })
      .catch(() => undefined);
    await vi.runAllTimersAsync();
    await done;
    return count;
  }

  it('makes maxAttempts tries in all, the first included', async () => {
    expect(await tries({ maxAttempts: 1 })).toBe(1);
    expect(await tries({ maxAttempts: 3 })).toBe(3);
    expect(await tries({ maxAttempts: 5 })).toBe(5);
  });

  it('retries only what classifyFailure calls transient: unknown errors are not retried', async () => {
    expect(await tries({}, new IdentityRejected('no'))).toBe(1);
    expect(await tries({}, new Error('bug'))).toBe(1);
    expect(await tries({}, Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(3);
  });

  it("never retries the pipeline's own rejections at once (open breaker, full bulkhead)", async () => {
    expect(await tries({}, new BrokenCircuitError())).toBe(1);
    expect(await tries({}, new BulkheadRejectedError(1, 0))).toBe(1);
  });

  it('takes one budget token per retry, and stops when none is left', async () => {
    const budget = new RetryBudget({ budgetRatio: 0, minRetriesPerSecond: 0.3, windowMs: 10_000, now: () => 0 }); // 3 retries
    expect(await tries({ budget, maxAttempts: 3 })).toBe(3);
    expect(await tries({ budget, maxAttempts: 3 })).toBe(2);
    expect(await tries({ budget, maxAttempts: 3 })).toBe(1);
  });

  it('spends no token on a retry that the deadline or the attempt limit forbids', async () => {
    const budget = new RetryBudget({ budgetRatio: 0, minRetriesPerSecond: 0.1, windowMs: 10_000, now: () => 0 }); // 1 retry
    expect(await tries({ budget, deadline: Deadline.after(18) })).toBe(1); // an 18 ms back-off does not fit in 18 ms
    expect(await tries({ budget, maxAttempts: 1 })).toBe(1);
    expect(await tries({ budget, maxAttempts: 2 })).toBe(2); // the token is still there
  });

  it('retries only while the back-off ends before the deadline', async () => {
    expect(await tries({ maxAttempts: 5, deadline: Deadline.after(18 + 37 + 1) })).toBe(3);
  });
});
