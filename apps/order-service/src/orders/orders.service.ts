import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Order, PlaceOrder } from '@meshmart/contracts';
import { appendToOutbox, OutboxRelay } from '@meshmart/persistence';
import { CheckoutSagaRow } from '../checkout/checkout-saga.entity';
import { startSaga } from '../checkout/domain/checkout-saga';
import { ORDER_CONFIG, type OrderConfig } from '../order-config';
import { orderTotal } from './domain/order';
import { OrderRow, toOrder } from './order.entity';
import { checkoutMetrics } from '../checkout/checkout-metrics';

/** What placing an order gave: a new order, the one this key placed before, or a refusal. */
export type PlaceOrderResult = { kind: 'placed'; order: Order } | { kind: 'repeated'; order: Order } | { kind: 'key-reused'; orderId: string };

const UNIQUE_VIOLATION = '23505';

@Injectable()
export class OrdersService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(ORDER_CONFIG) private readonly config: OrderConfig,
  ) {}

  /**
   * Writes the order (PENDING), its saga and `OrderPlaced` in one transaction. The saga starts
   * when that event comes back from Kafka (or, should it not, when the sweeper finds it due),
   * so a crash right after the commit loses nothing. One idempotency key, one order.
   */
  async place(command: PlaceOrder, idempotencyKey: string): Promise<PlaceOrderResult> {
    const total = orderTotal(command.lines);
    const now = new Date();
    const id = randomUUID();
    try {
      const order = await this.db.transaction(async (tx) => {
        const row = tx.create(OrderRow, { id, userId: command.userId, cartId: command.cartId, idempotencyKey, status: 'PENDING', failureReason: null, lines: command.lines, totalMinor: total.amountMinor, currency: total.currency, paymentToken: command.paymentToken, paymentId: null, createdAt: now, updatedAt: now });
        await tx.insert(OrderRow, row);
        const saga = startSaga(now, this.config.SAGA_TIMEOUT_MS);
        // The Kafka path normally starts the saga within milliseconds; the sweeper is the fallback.
        await tx.insert(CheckoutSagaRow, { orderId: id, step: saga.step, failureReason: null, paymentId: null, attempts: 0, lastError: null, deadlineAt: saga.deadlineAt, nextAttemptAt: new Date(now.getTime() + 2_000), leaseUntil: null, updatedAt: now });
        await appendToOutbox(tx, { type: 'OrderPlaced', aggregateId: id, correlationId: id, data: { orderId: id, userId: command.userId, lines: command.lines, total } });
        return toOrder(row);
      });
      this.relay.nudge();
      checkoutMetrics.ordersPlaced.inc();
      return { kind: 'placed', order };
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      const existing = await this.db.getRepository(OrderRow).findOneByOrFail({ idempotencyKey });
      const same = existing.userId === command.userId && existing.cartId === command.cartId;
      return same ? { kind: 'repeated', order: toOrder(existing) } : { kind: 'key-reused', orderId: existing.id };
    }
  }

  /** The user's orders, newest first. */
  async history(userId: string, limit = 50): Promise<Order[]> {
    const rows = await this.db.getRepository(OrderRow).find({ where: { userId }, order: { createdAt: 'DESC' }, take: limit });
    return rows.map(toOrder);
  }

  /** One order of the user's, or undefined (another user's order is as good as unknown). */
  async find(userId: string, orderId: string): Promise<Order | undefined> {
    const row = await this.db.getRepository(OrderRow).findOneBy({ id: orderId, userId });
    return row ? toOrder(row) : undefined;
  }
}
