import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import type { PublishableRecord } from '@meshmart/messaging';

/** One outbox row on its way to Kafka: the record the messaging library publishes. */
export type OutboxRecord = PublishableRecord;

/** Sends records to the broker in the order given; resolves once the broker has them all. */
export interface OutboxPublisher {
  publish(records: readonly OutboxRecord[]): Promise<void>;
}

export interface OutboxRelayOptions {
  /** Rows per round trip. Default 100. */
  batchSize?: number;
  /**
   * How often an idle relay looks for rows nobody nudged it about: rows of an instance that died
   * before relaying them. Every commit nudges its own process's relay, so this is the fallback
   * only, and an idle look is one cheap query. Default 1 s.
   */
  pollIntervalMs?: number;
  /** Pause before trying again when another instance's relay holds the lock. Default 25 ms. */
  contendedDelayMs?: number;
  /** Pause after a failed round (broker or database down). Default 1 s. */
  retryDelayMs?: number;
  /** Where relay failures go; the relay keeps going. */
  onError?: (error: unknown) => void;
}

// One relay per database publishes at a time, so rows leave in id order: the events of one
// aggregate reach its partition in the order they were written, whatever the instance count.
const RELAY_LOCK = 0x6f75_7462; // "outb"

/**
 * Moves committed outbox rows to Kafka: lock, read a batch in id order, publish, delete, commit.
 * A crash between publish and commit publishes the batch again on the next round (at least
 * once); consumers drop the repeats through their inbox. Rows survive restarts because they
 * are only deleted in the transaction that saw them published.
 */
export class OutboxRelay {
  private running: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private nudged = false;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly retryDelayMs: number;
  private readonly contendedDelayMs: number;
  /** Rows published since start, for logs and tests. */
  published = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly publisher: OutboxPublisher,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000;
    this.retryDelayMs = options.retryDelayMs ?? 1_000;
    this.contendedDelayMs = options.contendedDelayMs ?? 25;
  }

  start(): this {
    this.running ??= this.loop();
    return this;
  }

  /** Tells an idle relay that a transaction with events just committed. */
  nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  /** Finishes the round in progress, then stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.nudge();
    await this.running;
  }

  /** One round: publishes up to a batch of rows; returns how many left the outbox. */
  async relayOnce(): Promise<number> {
    const moved = await this.round();
    return moved === 'contended' ? 0 : moved;
  }

  /** A round, or `contended` when another relay of the database holds the lock. */
  private async round(): Promise<number | 'contended'> {
    return this.dataSource.transaction(async (tx) => {
      const [{ locked }] = (await tx.query('SELECT pg_try_advisory_xact_lock($1) AS locked', [RELAY_LOCK])) as [{ locked: boolean }];
      if (!locked) return 'contended';
      const rows = (await tx.query('SELECT id, message_id, topic, key, type, payload::text AS value, headers FROM outbox ORDER BY id LIMIT $1', [
        this.batchSize,
      ])) as OutboxRow[];
      if (rows.length === 0) return 0;
      await this.publisher.publish(
        rows.map((row) => ({ messageId: row.message_id, topic: row.topic, key: row.key, type: row.type, value: row.value, headers: row.headers })),
      );
      await tx.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
      return rows.length;
    });
  }

  private async loop(): Promise<void> {
    // The first round looks in full: rows may be left from before a restart.
    let fullRound = true;
    while (!this.stopping) {
      this.nudged = false;
      const moved = await (fullRound ? this.round() : this.anyRows().then((any) => (any ? this.round() : 0))).catch((error: unknown) => {
        this.options.onError?.(error);
        return undefined;
      });
      if (moved === undefined) await this.idle(this.retryDelayMs);
      else if (moved === 'contended') await this.idle(this.contendedDelayMs);
      else {
        this.published += moved;
        if (moved < this.batchSize && !this.nudged) await this.idle(this.pollIntervalMs);
      }
      // A nudge means a commit wrote rows: go straight to a round. A timer wake only peeks first.
      fullRound = this.nudged;
    }
  }

  /** Whether the outbox holds any row: an idle look costs one indexed query, not a transaction. */
  private async anyRows(): Promise<boolean> {
    const rows = (await this.dataSource.query('SELECT 1 FROM outbox LIMIT 1')) as unknown[];
    return rows.length > 0;
  }

  private async idle(ms: number): Promise<void> {
    if (this.stopping) return;
    const controller = new AbortController();
    this.wake = () => controller.abort();
    await sleep(ms, undefined, { signal: controller.signal }).catch(() => undefined);
    this.wake = undefined;
  }
}

interface OutboxRow {
  id: string;
  message_id: string;
  topic: string;
  key: string;
  type: string;
  value: string;
  headers: Record<string, string>;
}
