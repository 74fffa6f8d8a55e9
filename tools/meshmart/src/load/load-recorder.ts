import { percentile } from './percentile';

/** What one operation (e.g. `checkout`, `GET /products`) saw over a run or a progress window. */
export interface OperationStats {
  requests: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
}

/** A run's figures, as the summary table and `--json` print them. */
export interface LoadSummary {
  elapsedMs: number;
  journeys: number;
  requests: number;
  errors: number;
  errorRate: number;
  requestsPerSecond: number;
  journeysPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers by HTTP status; `0` is a call that got no answer (refused, reset, timed out). */
  byStatus: Record<string, number>;
  operations: Record<string, OperationStats>;
  /** How checkouts ended: CONFIRMED, or FAILED with its reason. */
  checkoutOutcomes: Record<string, number>;
  /** Checkout → settled, from the order's own timestamps (createdAt → updatedAt). */
  settle: { p50Ms: number; p99Ms: number };
  /** Open loop only: how late journeys started against their schedule (the generator's own lag). */
  startLag: { p50Ms: number; p99Ms: number } | undefined;
}

/**
 * Collects every request a load run makes: latency per operation, answers by status, errors,
 * checkout outcomes. Runs are bounded by duration and count, so the samples are kept whole and
 * percentiles are exact (nearest rank).
 */
export class LoadRecorder {
  private readonly started = performance.now();
  private readonly latencies = new Map<string, number[]>();
  private readonly errorsByOperation = new Map<string, number>();
  private readonly statuses = new Map<number, number>();
  private readonly outcomes = new Map<string, number>();
  private readonly settleMs: number[] = [];
  private readonly lags: number[] = [];
  private journeys = 0;
  private window: { requests: number; errors: number; latencies: number[]; at: number } = { requests: 0, errors: 0, latencies: [], at: performance.now() };

  /** One request's answer (`status` 0 for none) and whether the journey expected it. */
  request(operation: string, status: number, ms: number, ok: boolean): void {
    const list = this.latencies.get(operation) ?? [];
    list.push(ms);
    this.latencies.set(operation, list);
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
    this.window.requests += 1;
    this.window.latencies.push(ms);
    if (!ok) {
      this.errorsByOperation.set(operation, (this.errorsByOperation.get(operation) ?? 0) + 1);
      this.window.errors += 1;
    }
  }

  journeyDone(): void {
    this.journeys += 1;
  }

  get journeyCount(): number {
    return this.journeys;
  }

  /** How one checkout ended, and the saga's time when it ran one (none for a checkout refused before an order). */
  checkoutOutcome(outcome: string, settleMs?: number): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    if (settleMs !== undefined) this.settleMs.push(settleMs);
  }

  startLag(ms: number): void {
    this.lags.push(ms);
  }

  /** The figures since the last call, for the progress line; starts a new window. */
  takeWindow(): { seconds: number; requestsPerSecond: number; errors: number; p50Ms: number; p99Ms: number } {
    const now = performance.now();
    const { requests, errors, latencies, at } = this.window;
    this.window = { requests: 0, errors: 0, latencies: [], at: now };
    latencies.sort((a, b) => a - b);
    const seconds = (now - at) / 1000;
    return { seconds, requestsPerSecond: seconds > 0 ? requests / seconds : 0, errors, p50Ms: percentile(latencies, 0.5), p99Ms: percentile(latencies, 0.99) };
  }

  /** Errors so far, by status (`0` for no answer), for the progress line. */
  errorStatuses(): Record<string, number> {
    return Object.fromEntries([...this.statuses].filter(([status]) => status === 0 || status >= 400).map(([status, n]) => [String(status), n]));
  }

  summary(openLoop: boolean): LoadSummary {
    const elapsedMs = performance.now() - this.started;
    const all = [...this.latencies.values()].flat().sort((a, b) => a - b);
    const errors = [...this.errorsByOperation.values()].reduce((a, b) => a + b, 0);
    const operations = Object.fromEntries(
      [...this.latencies].map(([operation, list]) => {
        const sorted = [...list].sort((a, b) => a - b);
        return [
          operation,
          { requests: sorted.length, errors: this.errorsByOperation.get(operation) ?? 0, p50Ms: percentile(sorted, 0.5), p99Ms: percentile(sorted, 0.99) },
        ];
      }),
    );
    const settle = [...this.settleMs].sort((a, b) => a - b);
    const lags = [...this.lags].sort((a, b) => a - b);
    return {
      elapsedMs,
      journeys: this.journeys,
      requests: all.length,
      errors,
      errorRate: all.length > 0 ? errors / all.length : 0,
      requestsPerSecond: (all.length / elapsedMs) * 1000,
      journeysPerSecond: (this.journeys / elapsedMs) * 1000,
      p50Ms: percentile(all, 0.5),
      p99Ms: percentile(all, 0.99),
      byStatus: Object.fromEntries([...this.statuses].sort(([a], [b]) => a - b).map(([status, n]) => [String(status), n])),
      operations,
      checkoutOutcomes: Object.fromEntries(this.outcomes),
      settle: { p50Ms: percentile(settle, 0.5), p99Ms: percentile(settle, 0.99) },
      startLag: openLoop ? { p50Ms: percentile(lags, 0.5), p99Ms: percentile(lags, 0.99) } : undefined,
    };
  }
}
