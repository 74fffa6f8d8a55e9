import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConcurrencyLimitReached, DeadlineExceeded, IdentityRejected, UpstreamConnectFailure, UpstreamServerError } from '../errors/mesh-error';
import { createCallPipeline, type CallAttempt, type CallRequest, type RetryEvent } from './call-pipeline';
import { DEADLINE_HEADER, Deadline } from './deadline';
import { RetryBudget } from './retry-budget';

const GET: CallRequest = { method: 'GET', headers: {} };
const POST: CallRequest = { method: 'POST', headers: {} };
const KEYED_POST: CallRequest = { method: 'POST', headers: { 'idempotency-key': 'checkout-42' } };
/** So that breaker tests elsewhere, not these, decide when the circuit opens. */
const NEVER_BREAK = { consecutiveFailures: 1_000_000 };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function failingWith(error: Error) {
  return vi.fn<(attempt: CallAttempt) => Promise<string>>(() => Promise.reject(error));
}

/** Runs the fake clock until the call settles; returns what it threw, and fails the test if it did not throw. */
async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  const settled = promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
  await vi.runAllTimersAsync();
  return settled;
}

describe('createCallPipeline', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
    // The jitter draws from Math.random: fixed at its middle, the back-offs are ¾ of 25, 50, 100 … ms (rounded down).
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    vi.useRealTimers();
  });

  describe('retry', () => {
    it('tries a POST without idempotency key once', async () => {
      const call = failingWith(new UpstreamServerError(503));
      const error = await failureOf(createCallPipeline().execute(call, POST));
      expect(error).toBeInstanceOf(UpstreamServerError);
      expect(call).toHaveBeenCalledTimes(1);
    });

    it('retries a POST with an idempotency key until it succeeds, numbering the tries', async () => {
      const attempts: number[] = [];
      const call = vi.fn(({ attempt }: CallAttempt) => {
        attempts.push(attempt);
        return attempt < 3 ? Promise.reject(new UpstreamConnectFailure('reset')) : Promise.resolve('ok');
      });
      const result = createCallPipeline().execute(call, KEYED_POST);
      await vi.runAllTimersAsync();
      await expect(result).resolves.toBe('ok');
      expect(attempts).toEqual([1, 2, 3]);
    });

    it('tries a failing GET exactly maxAttempts times, backing off with jitter, and rethrows the last error', async () => {
      const pipeline = createCallPipeline({ maxAttempts: 4 });
      const retries: RetryEvent[] = [];
      pipeline.onRetry((event) => retries.push(event));
      const last = new UpstreamServerError(502);
      const call = vi
        .fn<(attempt: CallAttempt) => Promise<string>>()
        .mockRejectedValueOnce(new UpstreamServerError(503))
        .mockRejectedValueOnce(new UpstreamServerError(503))
        .mockRejectedValueOnce(new UpstreamServerError(503))
        .mockRejectedValueOnce(last);
      expect(await failureOf(pipeline.execute(call, GET))).toBe(last);
      expect(call).toHaveBeenCalledTimes(4);
      expect(retries.map(({ attempt, delayMs }) => [attempt, delayMs])).toEqual([
        [2, 18],
        [3, 37],
        [4, 75],
      ]);
      expect(Date.now()).toBe(18 + 37 + 75);
    });

    it('never waits longer than backoff.maxMs', async () => {
      vi.spyOn(Math, 'random').mockReturnValue(0.999_999); // the top of each jitter range
      const pipeline = createCallPipeline({ maxAttempts: 6, backoff: { initialMs: 25, maxMs: 30 } });
      const delays: number[] = [];
      pipeline.onRetry(({ delayMs }) => delays.push(delayMs));
      await failureOf(pipeline.execute(failingWith(new UpstreamServerError(503)), GET));
      expect(delays).toEqual([24, 29, 29, 29, 29]); // uncapped: 24, 49, 99, …
    });

    it.each([
      ['a non-retryable MeshError', new IdentityRejected('not allowed')],
      ['an error that is not a MeshError', new TypeError('bug')],
    ])('does not retry %s', async (_label, thrown) => {
      const call = failingWith(thrown);
      expect(await failureOf(createCallPipeline().execute(call, GET))).toBe(thrown);
      expect(call).toHaveBeenCalledTimes(1);
    });

    it('stops retrying when the budget is spent: 100 failing requests make 0.2 × 100 + 3/s × 10 s retries', async () => {
      const pipeline = createCallPipeline({
        breaker: NEVER_BREAK,
        retryBudget: { budgetRatio: 0.2, minRetriesPerSecond: 3, windowMs: 10_000 },
      });
      const call = failingWith(new UpstreamServerError(503));
      for (let request = 0; request < 100; request++) await failureOf(pipeline.execute(call, GET));
      expect(call).toHaveBeenCalledTimes(100 + 20 + 30);
    });

    it('shares a budget handed in by the caller', async () => {
      const budget = new RetryBudget({ minRetriesPerSecond: 0 });
      const call = failingWith(new UpstreamServerError(503));
      await failureOf(createCallPipeline({ retryBudget: budget }).execute(call, GET));
      expect(call).toHaveBeenCalledTimes(1); // 0.2 × 1 request buys no whole retry
    });
  });

  describe('deadline', () => {
    it("fails with DeadlineExceeded at the deadline and fires the call's AbortSignal", async () => {
      let seen: AbortSignal | undefined;
      const call = vi.fn(({ signal }: CallAttempt) => {
        seen = signal;
        return new Promise<string>(() => undefined); // an upstream that never answers
      });
      const error = await failureOf(createCallPipeline({ timeoutMs: 100 }).execute(call, GET));
      expect(error).toBeInstanceOf(DeadlineExceeded);
      expect(Date.now()).toBe(100);
      expect(seen?.aborted).toBe(true);
    });

    it('leaves the signal alone after a successful call, so a body still streaming is not cut', async () => {
      let seen: AbortSignal | undefined;
      const result = createCallPipeline({ timeoutMs: 100 }).execute(({ signal }) => {
        seen = signal;
        return Promise.resolve('headers received');
      }, GET);
      await expect(result).resolves.toBe('headers received');
      expect(seen?.aborted).toBe(false);
    });

    it("spends the caller's shorter deadline and hands the remaining budget to the callee", async () => {
      const headers: Record<string, string>[] = [];
      const call = vi.fn(({ deadline }: CallAttempt) => {
        headers.push(deadline.toHeaders());
        return new Promise<string>(() => undefined);
      });
      const error = await failureOf(createCallPipeline({ timeoutMs: 1_000 }).execute(call, { ...GET, deadline: Deadline.after(40) }));
      expect(error).toBeInstanceOf(DeadlineExceeded);
      expect(Date.now()).toBe(40);
      expect(headers).toEqual([{ [DEADLINE_HEADER]: '40' }]);
    });

    it('does not call at all when the deadline has already passed', async () => {
      const call = failingWith(new UpstreamServerError(503));
      const expired = Deadline.after(10);
      vi.advanceTimersByTime(10);
      await expect(createCallPipeline().execute(call, { ...GET, deadline: expired })).rejects.toBeInstanceOf(DeadlineExceeded);
      expect(call).not.toHaveBeenCalled();
    });

    it('starts no retry after the deadline', async () => {
      // Each try fails after 60 ms: the first retry starts at 82.4 ms, the deadline cuts it at 100 ms.
      const call = vi.fn(async () => {
        await sleep(60);
        throw new UpstreamServerError(503);
      });
      const error = await failureOf(createCallPipeline({ timeoutMs: 100 }).execute(call, GET));
      expect(error).toBeInstanceOf(DeadlineExceeded);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(call).toHaveBeenCalledTimes(2);
    });

    it('does not retry when the back-off would not end before the deadline, and reports the real failure', async () => {
      // The first try fails at 60 ms, leaving 10 ms: less than the 22.4 ms back-off.
      const call = vi.fn(async () => {
        await sleep(60);
        throw new UpstreamServerError(503);
      });
      const error = await failureOf(createCallPipeline({ timeoutMs: 70 }).execute(call, GET));
      expect(error).toBeInstanceOf(UpstreamServerError);
      expect(call).toHaveBeenCalledTimes(1);
      expect(Date.now()).toBe(60);
    });
  });

  describe('bulkhead', () => {
    it('runs maxConcurrent calls, queues maxQueued, and rejects the rest with ConcurrencyLimitReached', async () => {
      const pipeline = createCallPipeline({ bulkhead: { maxConcurrent: 2, maxQueued: 1 } });
      const release: Array<(value: string) => void> = [];
      const call = vi.fn(() => new Promise<string>((resolve) => release.push(resolve)));
      const accepted = [pipeline.execute(call, GET), pipeline.execute(call, GET), pipeline.execute(call, GET)];
      await expect(pipeline.execute(call, GET)).rejects.toBeInstanceOf(ConcurrencyLimitReached);
      expect(call).toHaveBeenCalledTimes(2);

      release[0]?.('first');
      await vi.advanceTimersByTimeAsync(0);
      expect(call).toHaveBeenCalledTimes(3); // the queued call took the freed slot
      release[1]?.('second');
      release[2]?.('third');
      await expect(Promise.all(accepted)).resolves.toEqual(['first', 'second', 'third']);
    });
  });
});
