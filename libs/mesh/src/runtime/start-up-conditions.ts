/** One thing an instance is still waiting for, as readiness reports it. */
export interface PendingCondition {
  /** What it is, e.g. `postgres` or `kafka consumer order-service.checkout-saga`. */
  key: string;
  /** Why it is not there yet, e.g. `joining orders.v1` or `unreachable (3 tries): ECONNREFUSED`. */
  reason: string;
  /**
   * True when no request can be served without it (the database): the instance is not
   * announced in discovery and answers 503 until it is met. False when requests work without
   * it (a consumer still joining its group): the instance serves, only readiness says "not yet".
   */
  blocksTraffic: boolean;
}

/**
 * What an instance waits for before it is fully ready, told by the parts that start in the
 * background (database, Kafka producer, consumers). Readiness is false while any condition is
 * pending; a part that was met once and blips later (Kafka restarted mid-run) is the job of
 * its own retries, not of readiness, so it is not held again unless it cannot recover.
 * @example readiness.hold('postgres', 'connecting', { blocksTraffic: true }); …; readiness.release('postgres');
 */
export class StartUpConditions {
  private readonly pending = new Map<string, PendingCondition>();
  private listeners: (() => void)[] = [];

  /** Marks `key` as not met (or updates its reason). */
  hold(key: string, reason: string, options: { blocksTraffic?: boolean } = {}): void {
    this.pending.set(key, { key, reason, blocksTraffic: options.blocksTraffic ?? false });
  }

  /** Marks `key` as met. */
  release(key: string): void {
    if (!this.pending.delete(key)) return;
    const listeners = this.listeners;
    this.listeners = [];
    for (const listener of listeners) listener();
  }

  list(): readonly PendingCondition[] {
    return [...this.pending.values()];
  }

  blocksTraffic(): boolean {
    return this.list().some((condition) => condition.blocksTraffic);
  }

  /** Resolves once nothing that blocks traffic is pending. */
  whenTrafficAllowed(): Promise<void> {
    return this.until(() => !this.blocksTraffic());
  }

  /** Resolves once nothing at all is pending. */
  whenAllMet(): Promise<void> {
    return this.until(() => this.pending.size === 0);
  }

  private until(met: () => boolean): Promise<void> {
    if (met()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => (met() ? resolve() : this.listeners.push(check));
      this.listeners.push(check);
    });
  }
}
