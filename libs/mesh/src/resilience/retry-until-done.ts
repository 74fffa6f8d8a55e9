import { setTimeout as sleep } from 'node:timers/promises';
import { JitteredBackoff } from './jittered-backoff';
import { resilienceDefaults } from './resilience-defaults';

/** What a waiting loop reports, once per window: enough for one log line. */
export interface WaitingReport {
  /** Failed tries since the loop began. */
  attempts: number;
  /** Failed tries since the previous report. */
  attemptsInWindow: number;
  /** Time since the first try. */
  elapsedMs: number;
  /** The latest failure. */
  error: unknown;
  /** The pause before the next try. */
  nextDelayMs: number;
}

/** A report as the reason readiness and the log give: `unreachable (3 tries in 12s): connect ECONNREFUSED 127.0.0.1:5432`. */
export function describeWaiting({ attempts, elapsedMs, error }: WaitingReport): string {
  const message = error instanceof Error ? error.message || error.name : String(error);
  return `unreachable (${attempts} ${attempts === 1 ? 'try' : 'tries'} in ${(elapsedMs / 1000).toFixed(0)}s): ${message}`;
}

export interface RetryUntilDoneOptions {
  /** Scale of the first pause. Default `resilienceDefaults.retries.untilDoneBackoff` (200 ms). */
  initialMs?: number;
  /** No pause is longer. Default `resilienceDefaults.retries.untilDoneBackoff` (5 000 ms). */
  maxMs?: number;
  /**
   * Report at the first failure, then at most once per this window, so a long outage is a
   * handful of log lines, not one per try. 0 reports every failure. Default 10 000 ms.
   */
  reportEveryMs?: number;
  onWaiting?: (report: WaitingReport) => void;
  /** Aborting stops the loop: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Runs `task` until it resolves, pausing the shared jittered back-off ({@link JitteredBackoff})
 * after each failure.
 * @example const db = await retryUntilDone(() => connect(url), { onWaiting: (r) => log.warn(`postgres unreachable (${r.attempts} tries)`) });
 */
export async function retryUntilDone<T>(task: (attempt: number) => Promise<T>, options: RetryUntilDoneOptions = {}): Promise<T> {
  const { initialMs, maxMs } = resilienceDefaults.retries.untilDoneBackoff;
  const delays = new JitteredBackoff({ initialMs: options.initialMs ?? initialMs, maxMs: options.maxMs ?? maxMs });
  const reportEveryMs = options.reportEveryMs ?? 10_000;
  const started = Date.now();
  let reportedAt: number | undefined;
  let attemptsInWindow = 0;
  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    try {
      return await task(attempt);
    } catch (error) {
      options.signal?.throwIfAborted();
      attemptsInWindow += 1;
      const nextDelayMs = delays.next();
      const now = Date.now();
      if (reportedAt === undefined || now - reportedAt >= reportEveryMs) {
        options.onWaiting?.({ attempts: attempt, attemptsInWindow, elapsedMs: now - started, error, nextDelayMs });
        reportedAt = now;
        attemptsInWindow = 0;
      }
      await sleep(nextDelayMs, undefined, options.signal ? { signal: options.signal } : {}).catch(() => options.signal?.throwIfAborted());
    }
  }
}
