import type { DataSource, EntityManager } from 'typeorm';
import { type EventType, isRefusal, type Replayable, type Reservation, type ReserveStock } from '@meshmart/contracts';
import { appendToOutbox, type NewEvent, type OutboxRelay } from '@meshmart/persistence';
import type { InventoryRefusal } from './domain/inventory-refusal';
import { checkLines, sameLines, unitsBySku } from './domain/reservation-lines';
import { decideCommit, decideRelease, expiryOf, type ReleaseReason } from './domain/reservation-state';
import { ReservationEntity, reservationOf } from './reservation.entity';
import { restoreStock, takeStock } from './stock-movements';

export interface ReservationsServiceOptions {
  /** How long a hold lasts when the request names no `ttlSeconds` (INVENTORY_RESERVATION_TTL_SECONDS). */
  defaultTtlSeconds: number;
  /** The clock the rules read; default the system clock. */
  now?: () => Date;
}

type Announce = <T extends EventType>(event: NewEvent<T>) => Promise<void>;

/** Carries a refusal out of a transaction so that the transaction rolls back. */
class RollBack extends Error {
  constructor(readonly refusal: InventoryRefusal) {
    super(refusal.refusal);
  }
}

/**
 * Reservations of stock for orders: hold (all lines or none), commit, release, expire. Each
 * state change and its event (StockReserved, StockCommitted, StockReleased) are written in one
 * transaction; the outbox relay is nudged once it commits. Refusals are returned, not thrown.
 */
export class ReservationsService {
  private readonly now: () => Date;

  constructor(
    private readonly db: DataSource,
    private readonly relay: Pick<OutboxRelay, 'nudge'>,
    private readonly options: ReservationsServiceOptions,
  ) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Holds stock for every line of an order, or for none. The order id is the idempotency key:
   * the same order with the same lines finds its reservation (whatever became of it), a
   * replay; with other lines it is a conflict.
   */
  async reserve(command: ReserveStock): Promise<Replayable<Reservation> | InventoryRefusal> {
    const checked = checkLines(command.lines);
    if (isRefusal(checked)) return checked;
    const { orderId } = command;
    const { lines } = checked;
    const expiresAt = expiryOf(this.now(), command.ttlSeconds ?? this.options.defaultTtlSeconds);
    try {
      return await this.transact(async (tx, announce) => {
        // A concurrent request for the same order waits here until the first one commits or
        // rolls back, then finds its reservation or takes its place.
        const inserted = (await tx.query(
          `INSERT INTO reservations (order_id, status, lines, expires_at) VALUES ($1, 'HELD', $2::jsonb, $3) ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
          [orderId, JSON.stringify(lines), expiresAt],
        )) as unknown[];
        if (inserted.length === 0) {
          const existing = await tx.findOneByOrFail(ReservationEntity, { orderId });
          return sameLines(existing.lines, lines) ? { value: reservationOf(existing), replayed: true } : { refusal: 'reservation-conflict', orderId };
        }
        const shortage = await takeStock(tx, lines);
        if (shortage) throw new RollBack(shortage);
        await announce({ type: 'StockReserved', aggregateId: orderId, data: { orderId, lines, expiresAt: expiresAt.toISOString() } });
        return { value: { orderId, status: 'HELD', lines, expiresAt: expiresAt.toISOString() }, replayed: false };
      });
    } catch (error) {
      if (error instanceof RollBack) return error.refusal;
      throw error;
    }
  }

  /** The reservation of an order, if it has one. */
  async find(orderId: string): Promise<Reservation | undefined> {
    const row = await this.db.manager.findOneBy(ReservationEntity, { orderId });
    return row ? reservationOf(row) : undefined;
  }

  /** Makes a hold final (the order is paid). Stock is not touched: it was taken at reserve time. */
  async commit(orderId: string): Promise<Reservation | InventoryRefusal> {
    return this.transact(async (tx, announce) => {
      const row = await this.lock(tx, orderId);
      if (!row) return { refusal: 'unknown-reservation', orderId };
      const decision = decideCommit(row, this.now());
      switch (decision.action) {
        case 'none':
          return reservationOf(row);
        case 'refuse':
          return { refusal: 'reservation-released', orderId, releaseReason: decision.releaseReason };
        case 'expire':
          await this.releaseHolds(tx, [{ row, reason: 'expired' }], announce);
          return { refusal: 'reservation-released', orderId, releaseReason: 'expired' };
        case 'commit':
          row.status = 'COMMITTED';
          await tx.update(ReservationEntity, { orderId }, { status: row.status, updatedAt: this.now() });
          await announce({ type: 'StockCommitted', aggregateId: orderId, data: { orderId, lines: row.lines } });
          return reservationOf(row);
      }
    });
  }

  /** Ends a hold (the order was cancelled) and gives its stock back, once however often asked. */
  async release(orderId: string): Promise<Reservation | InventoryRefusal> {
    return this.transact(async (tx, announce) => {
      const row = await this.lock(tx, orderId);
      if (!row) return { refusal: 'unknown-reservation', orderId };
      const decision = decideRelease(row, 'cancelled', this.now());
      if (decision.action === 'refuse') return { refusal: 'reservation-committed', orderId };
      if (decision.action === 'release') await this.releaseHolds(tx, [{ row, reason: decision.reason }], announce);
      return reservationOf(row);
    });
  }

  /**
   * Releases up to `limit` holds past their expiry, as `expired`; returns how many. Rows
   * another transaction holds (a second instance's sweep, a commit in flight) are skipped,
   * not waited for, so instances sweeping together never release one hold twice.
   */
  async releaseExpired(limit: number): Promise<number> {
    return this.transact(async (tx, announce) => {
      const due = await tx
        .createQueryBuilder(ReservationEntity, 'reservation')
        .where(`reservation.status = 'HELD'`)
        .andWhere('reservation.expiresAt <= :now', { now: this.now() })
        .orderBy('reservation.expiresAt')
        .limit(limit)
        .setLock('pessimistic_write')
        .setOnLocked('skip_locked')
        .getMany();
      if (due.length > 0)
        await this.releaseHolds(
          tx,
          due.map((row) => ({ row, reason: 'expired' as const })),
          announce,
        );
      return due.length;
    });
  }

  /** Marks locked holds released, gives back their units (per sku, in sku order) and announces each. */
  private async releaseHolds(tx: EntityManager, holds: readonly { row: ReservationEntity; reason: ReleaseReason }[], announce: Announce): Promise<void> {
    const now = this.now();
    for (const { row, reason } of holds) {
      row.status = 'RELEASED';
      row.releaseReason = reason;
      await tx.update(ReservationEntity, { orderId: row.orderId }, { status: row.status, releaseReason: reason, updatedAt: now });
    }
    await restoreStock(tx, unitsBySku(holds.map(({ row }) => row.lines)));
    for (const { row, reason } of holds) {
      await announce({ type: 'StockReleased', aggregateId: row.orderId, data: { orderId: row.orderId, lines: row.lines, reason } });
    }
  }

  private lock(tx: EntityManager, orderId: string): Promise<ReservationEntity | null> {
    return tx.findOne(ReservationEntity, { where: { orderId }, lock: { mode: 'pessimistic_write' } });
  }

  /** Runs `work` in one transaction; once it commits, nudges the relay if `work` wrote events. */
  private async transact<T>(work: (tx: EntityManager, announce: Announce) => Promise<T>): Promise<T> {
    let announced = false;
    const result = await this.db.transaction((tx) =>
      work(tx, async (event) => {
        await appendToOutbox(tx, event);
        announced = true;
      }),
    );
    if (announced) this.relay.nudge();
    return result;
  }
}
