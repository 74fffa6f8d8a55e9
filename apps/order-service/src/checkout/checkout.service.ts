import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { idempotencyKeyReused, isRefusal, type Order, type PlaceOrder, type Replayable } from '@meshmart/contracts';
import { runOutsideRequest } from '@meshmart/mesh';
import { appendToOutbox, type OutboxRelay } from '@meshmart/persistence';
import { orderTotal } from '../orders/domain/order';
import type { OrderRefusal } from '../orders/domain/order-refusal';
import { OrderEntity, orderOf } from '../orders/order.entity';
import { checkoutMetrics } from './checkout-metrics';
import { CheckoutSagaEntity } from './checkout-saga.entity';
import type { CheckoutSagaRunner } from './checkout-saga.runner';
import { startSaga } from './domain/checkout-saga';

export interface CheckoutServiceOptions {
  /** How long a checkout may take before it is abandoned and compensated (SAGA_TIMEOUT_MS). */
  sagaTimeoutMs: number;
}

/** What placing an order gave: the order (a replay when this key placed it before), or a refusal. */
export type PlaceOrderResult = Replayable<Order> | OrderRefusal;

const UNIQUE_VIOLATION = '23505';

/** Placing an order is the checkout's first step: the order, its saga and OrderPlaced, then the saga's start. */
export class CheckoutService {
  private readonly logger = new Logger('CheckoutService');

  constructor(
    private readonly db: DataSource,
    private readonly relay: Pick<OutboxRelay, 'nudge'>,
    private readonly options: CheckoutServiceOptions,
    private readonly sagas: Pick<CheckoutSagaRunner, 'advance'>,
  ) {}

  /**
   * Writes the order (PENDING), its saga and `OrderPlaced` in one transaction, then starts the
   * saga at once, without waiting for the event's round trip through Kafka. The committed saga
   * row is what guarantees it runs: should this process die first, `OrderPlaced` (or, failing
   * that, the sweeper) starts it, and the saga's lease makes every later start a no-op.
   * One idempotency key, one order.
   */
  async place(command: PlaceOrder, idempotencyKey: string): Promise<PlaceOrderResult> {
    const total = orderTotal(command.lines);
    if (isRefusal(total)) return total;
    const now = new Date();
    const id = randomUUID();
    try {
      const order = await this.db.transaction(async (tx) => {
        const row = tx.create(OrderEntity, {
          id,
          userId: command.userId,
          cartId: command.cartId,
          idempotencyKey,
          status: 'PENDING',
          failureReason: null,
          lines: command.lines,
          totalMinor: total.amountMinor,
          currency: total.currency,
          paymentToken: command.paymentToken,
          paymentId: null,
          createdAt: now,
          updatedAt: now,
        });
        await tx.insert(OrderEntity, row);
        const saga = startSaga(now, this.options.sagaTimeoutMs);
        // Started right after the commit; should that start be lost, OrderPlaced or the sweeper (once due) runs it.
        await tx.insert(CheckoutSagaEntity, {
          orderId: id,
          step: saga.step,
          failureReason: null,
          paymentId: null,
          attempts: 0,
          lastError: null,
          deadlineAt: saga.deadlineAt,
          nextAttemptAt: new Date(now.getTime() + 2_000),
          leaseUntil: null,
          updatedAt: now,
        });
        await appendToOutbox(tx, {
          type: 'OrderPlaced',
          aggregateId: id,
          correlationId: id,
          data: { orderId: id, userId: command.userId, lines: command.lines, total },
        });
        return orderOf(row);
      });
      this.relay.nudge();
      checkoutMetrics.ordersPlaced.inc();
      this.startSaga(id);
      return { value: order, replayed: false };
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      const existing = await this.db.getRepository(OrderEntity).findOneByOrFail({ idempotencyKey });
      const same = existing.userId === command.userId && existing.cartId === command.cartId;
      return same ? { value: orderOf(existing), replayed: true } : idempotencyKeyReused;
    }
  }

  /** Runs the saga in the background, free of the placing request's deadline and cancellation. */
  private startSaga(orderId: string): void {
    void runOutsideRequest(() =>
      this.sagas.advance(orderId).catch((error: unknown) => {
        // Nothing is lost: the saga row is committed, and OrderPlaced or the sweeper runs it.
        this.logger.warn(`order ${orderId}: saga start failed, the sweeper will run it: ${error instanceof Error ? error.message : String(error)}`);
      }),
    );
  }
}
