import { percentile } from '../load/percentile';

/** What one closed-loop load run measured. */
export interface LoadResult {
  requests: number;
  errors: number;
  durationMs: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Closed-loop load: `concurrency` workers each send the next request as soon as the last one
 * answers, for `durationMs`. Latency is measured around each call; failed calls count as errors.
 */
export async function runLoad(call: () => Promise<unknown>, options: { concurrency: number; durationMs: number }): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + options.durationMs;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await call();
          latencies.push(performance.now() - t0);
        } catch {
          errors += 1;
        }
      }
    }),
  );
  return summarize(latencies, errors, performance.now() - started);
}

/**
 * Open-loop load: calls start at a fixed rate whatever the answers do, as real traffic does, so
 * latency is measured without the client saturating (what a per-hop cost is about). At most
 * `maxInFlight` calls run at once; a start that would exceed it counts as an error.
 */
export async function runAtRate(
  call: () => Promise<unknown>,
  options: { ratePerSecond: number; durationMs: number; maxInFlight?: number },
): Promise<LoadResult> {
  const latencies: number[] = [];
  const maxInFlight = options.maxInFlight ?? 256;
  let errors = 0;
  let inFlight = 0;
  const pending: Promise<void>[] = [];
  const started = performance.now();
  const total = Math.round((options.ratePerSecond * options.durationMs) / 1000);
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / options.ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    if (inFlight >= maxInFlight) {
      errors += 1;
      continue;
    }
    inFlight += 1;
    const t0 = performance.now();
    pending.push(
      call()
        .then(
          () => void latencies.push(performance.now() - t0),
          () => void (errors += 1),
        )
        .finally(() => void (inFlight -= 1)),
    );
  }
  await Promise.all(pending);
  return summarize(latencies, errors, performance.now() - started);
}

/** A run's result from the latencies of its answered calls (sorted here) and its failed calls. */
function summarize(latencies: number[], errors: number, durationMs: number): LoadResult {
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    errors,
    durationMs,
    requestsPerSecond: (latencies.length / durationMs) * 1000,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
  };
}
