import { setTimeout as sleep } from 'node:timers/promises';
import type { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import type { ReservationsService } from './reservations.service';

export interface ReservationExpiryOptions {
  /** Pause between sweeps (INVENTORY_EXPIRY_SWEEP_MS). */
  intervalMs: number;
  /** Holds released per transaction. Default 100. */
  batchSize?: number;
  /** Where a failed sweep goes (database down); the sweeper carries on at the next interval. */
  onError?: (error: unknown) => void;
  /** Sweeping starts once this resolves (the database reached at start). Default: at once. */
  after?: Promise<unknown>;
}

/**
 * The sweeper: every interval, releases the holds that ran out and gives their stock back.
 * Safe with any number of instances running it (see `ReservationsService.releaseExpired`).
 * Starts when the application has booted and stops, finishing its sweep, before the
 * application shuts its database down.
 */
export class ReservationExpiry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private running: Promise<void> | undefined;
  private stopping = false;
  private readonly wake = new AbortController();
  private readonly batchSize: number;

  constructor(
    private readonly reservations: ReservationsService,
    private readonly options: ReservationExpiryOptions,
  ) {
    this.batchSize = options.batchSize ?? 100;
  }

  /** Releases every hold that is due now, a batch per transaction; returns how many. */
  async sweepOnce(): Promise<number> {
    let released = 0;
    for (;;) {
      const batch = await this.reservations.releaseExpired(this.batchSize);
      released += batch;
      if (batch < this.batchSize || this.stopping) return released;
    }
  }

  start(): this {
    this.running ??= this.loop();
    return this;
  }

  /** Finishes the sweep in progress, then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake.abort();
    await this.running;
  }

  onApplicationBootstrap(): void {
    void (this.options.after ?? Promise.resolve()).then(() => {
      if (!this.stopping) this.start();
    });
  }

  // Before, not on, shutdown: the persistence module closes the database in its own
  // onApplicationShutdown, and a sweep must not be left holding a connection to it.
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      try {
        await this.sweepOnce();
      } catch (error) {
        this.options.onError?.(error);
      }
      await sleep(this.options.intervalMs, undefined, { signal: this.wake.signal }).catch(() => undefined);
    }
  }
}
