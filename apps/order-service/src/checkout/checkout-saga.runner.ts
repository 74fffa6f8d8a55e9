import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { OrderStatus } from '@meshmart/contracts';
import { appendToOutbox, type NewEvent, type OutboxRelay } from '@meshmart/persistence';
import { transition } from '../orders/domain/order';
import { checkoutMetrics } from './checkout-metrics';
import { afterStep, beforeStep, type SagaState, type StepOutcome } from './domain/checkout-saga';
import { sagaBackoffMs } from './saga-backoff';
import type { SagaOrder, SagaParticipants } from './saga-participants';
import { type LeasedOrder, SagaStore, type StepRecord } from './saga-store';

/** How long one runner owns a saga; a crashed owner's saga is picked up after it. */
const LEASE_MS = 30_000;

export interface CheckoutSagaRunnerOptions {
  /** How long the stock of an order is held before inventory releases it (RESERVATION_TTL_SECONDS). */
  reservationTtlSeconds: number;
}

/**
 * Drives checkout sagas: takes a saga's lease, runs its steps through the participants,
 * and after each step persists the saga, the order's status and (at the end) the order's
 * event in one transaction. Any number of runners (the Kafka consumer, the sweeper, other
 * instances) may try the same saga: the lease lets one work at a time, and every step is
 * idempotent, so a saga re-run after a crash repeats nothing.
 */
export class CheckoutSagaRunner {
  private readonly logger = new Logger('CheckoutSaga');
  private readonly store: SagaStore;

  constructor(
    private readonly db: DataSource,
    private readonly relay: Pick<OutboxRelay, 'nudge'>,
    private readonly participants: SagaParticipants,
    private readonly options: CheckoutSagaRunnerOptions,
  ) {
    this.store = new SagaStore(db);
  }

  /** Runs the saga of `orderId` as far as it goes now. Returns false if another runner holds it or it is done. */
  async advance(orderId: string): Promise<boolean> {
    const claimed = await this.store.claim(orderId, LEASE_MS);
    if (!claimed) return false;
    const { order } = claimed;
    let state = claimed.state;
    let released = false;
    try {
      while (state.step !== 'DONE') {
        state = beforeStep(state, new Date());
        const outcome = await this.runStep(state, this.sagaOrder(order, state));
        const decision = afterStep(state, outcome, new Date(), sagaBackoffMs);
        // The write that ends this run (done, or waiting for a retry) also lets go of the lease.
        released = decision.state.step === 'DONE' || decision.retryAt !== undefined;
        await this.persist(order, decision.state, decision.orderStatus, outcome, decision.retryAt, released);
        state = decision.state;
        if (decision.retryAt) return true;
      }
      return true;
    } catch (error) {
      // The write that would have let go failed (or came before it): the lease is still held.
      released = false;
      throw error;
    } finally {
      if (!released) await this.store.release(orderId);
    }
  }

  /** How many sagas are unfinished, and how many of those are a minute past their deadline. */
  async sagaCounts(): Promise<{ inFlight: number; stuck: number }> {
    const [row] = (await this.db.query(
      `SELECT count(*)::int AS in_flight, (count(*) FILTER (WHERE deadline_at < now() - interval '1 minute'))::int AS stuck FROM checkout_sagas WHERE step <> 'DONE'`,
    )) as { in_flight: number; stuck: number }[];
    return { inFlight: row?.in_flight ?? 0, stuck: row?.stuck ?? 0 };
  }

  /** Sagas that are due (a retry time passed, or never started) and not leased, oldest first. */
  async dueSagas(limit: number): Promise<string[]> {
    const rows = (await this.db.query(
      `SELECT order_id FROM checkout_sagas WHERE step <> 'DONE' AND next_attempt_at <= now() AND (lease_until IS NULL OR lease_until < now()) ORDER BY next_attempt_at LIMIT $1`,
      [limit],
    )) as { order_id: string }[];
    return rows.map((row) => row.order_id);
  }

  private sagaOrder(order: LeasedOrder, state: SagaState): SagaOrder {
    return {
      id: order.id,
      lines: order.lines,
      total: { amountMinor: order.totalMinor, currency: order.currency },
      paymentToken: order.paymentToken,
      paymentId: state.paymentId,
    };
  }

  private runStep(state: SagaState, order: SagaOrder): Promise<StepOutcome> {
    switch (state.step) {
      case 'RESERVE_STOCK':
        return this.participants.reserveStock(order, this.options.reservationTtlSeconds);
      case 'AUTHORIZE_PAYMENT':
        return this.participants.authorizePayment(order);
      case 'COMMIT_STOCK':
        return this.participants.commitStock(order);
      case 'CAPTURE_PAYMENT':
        return this.participants.capturePayment(order);
      case 'COMPENSATE':
        return this.participants.compensate(order);
      case 'DONE':
        return Promise.resolve({ done: true });
    }
  }

  private async persist(
    order: LeasedOrder,
    state: SagaState,
    orderStatus: OrderStatus | undefined,
    outcome: StepOutcome,
    retryAt: Date | undefined,
    releaseLease: boolean,
  ): Promise<void> {
    const now = new Date();
    if (state.paymentId && order.paymentId !== state.paymentId) order.paymentId = state.paymentId;
    if (orderStatus) {
      order.status = transition(order.status, orderStatus);
      if (orderStatus === 'FAILED') order.failureReason = state.failureReason ?? null;
    }
    const why = 'unavailable' in outcome ? outcome.unavailable : 'failed' in outcome ? outcome.failed : undefined;
    const record: StepRecord = {
      state,
      lastError: why?.slice(0, 500) ?? null,
      nextAttemptAt: retryAt ?? now,
      releaseLease,
      order,
      at: now,
    };
    const event = this.finalEvent(order, orderStatus);
    if (!event) await this.store.recordStep(order.id, record);
    else
      await this.db.transaction(async (tx) => {
        await this.store.recordStep(order.id, record, tx);
        await appendToOutbox(tx, event);
      });
    if (orderStatus === 'CONFIRMED' || orderStatus === 'FAILED') {
      this.relay.nudge();
      checkoutMetrics.ordersFinished.inc({ status: orderStatus, reason: order.failureReason ?? 'none' });
      checkoutMetrics.sagaDuration.observe({ status: orderStatus }, Math.max(0, (now.getTime() - order.createdAt.getTime()) / 1000));
      this.logger.log(`order ${order.id} ${orderStatus}${order.failureReason ? ` (${order.failureReason})` : ''}`);
    }
  }

  /** The event a step that ends the order announces, written with it. */
  private finalEvent(order: LeasedOrder, orderStatus: OrderStatus | undefined): NewEvent<'OrderConfirmed'> | NewEvent<'OrderFailed'> | undefined {
    if (orderStatus === 'CONFIRMED' && order.paymentId) {
      return {
        type: 'OrderConfirmed',
        aggregateId: order.id,
        correlationId: order.id,
        data: { orderId: order.id, userId: order.userId, total: { amountMinor: order.totalMinor, currency: order.currency }, paymentId: order.paymentId },
      };
    }
    if (orderStatus === 'FAILED' && order.failureReason) {
      return {
        type: 'OrderFailed',
        aggregateId: order.id,
        correlationId: order.id,
        data: { orderId: order.id, userId: order.userId, reason: order.failureReason },
      };
    }
    return undefined;
  }
}
