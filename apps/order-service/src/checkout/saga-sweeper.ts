import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { checkoutMetrics } from './checkout-metrics';
import type { CheckoutSagaRunner } from './checkout-saga.runner';

/** How often the in-flight and stuck saga gauges are re-counted. */
const GAUGE_REFRESH_MS = 10_000;

export interface SagaSweeperOptions {
  /** Pause between sweeps (SAGA_SWEEP_INTERVAL_MS). */
  intervalMs: number;
  /** Sweeping starts once this resolves (the database reached at start): until then every round would just fail. */
  after: Promise<unknown>;
}

/**
 * Finds sagas that are due — a step to retry, a saga whose OrderPlaced event has not arrived,
 * one whose runner crashed (its lease ran out), one past its deadline — and advances them, so
 * every checkout reaches a terminal state within the saga timeout.
 */
export class SagaSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SagaSweeper');
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> = Promise.resolve();
  private countedAt = 0;
  private stopped = false;

  constructor(
    private readonly runner: Pick<CheckoutSagaRunner, 'advance' | 'dueSagas' | 'sagaCounts'>,
    private readonly options: SagaSweeperOptions,
  ) {}

  onApplicationBootstrap(): void {
    void this.options.after.then(() => {
      if (this.stopped) return;
      this.timer = setInterval(() => {
        this.round = this.round.then(() => this.sweep());
      }, this.options.intervalMs);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.round;
  }

  /** One pass: advances up to 20 due sagas, four at a time; refreshes the saga gauges every 10 s. */
  async sweep(): Promise<void> {
    try {
      if (Date.now() - this.countedAt >= GAUGE_REFRESH_MS) {
        this.countedAt = Date.now();
        const { inFlight, stuck } = await this.runner.sagaCounts();
        checkoutMetrics.sagasInFlight.set(inFlight);
        checkoutMetrics.sagasStuck.set(stuck);
      }
      const due = await this.runner.dueSagas(20);
      for (let i = 0; i < due.length; i += 4) await Promise.all(due.slice(i, i + 4).map((orderId) => this.runner.advance(orderId)));
    } catch (error) {
      this.logger.warn(`saga sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
