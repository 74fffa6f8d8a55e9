import type { DataSource, EntityManager } from 'typeorm';
import type { OrderFailureReason, OrderStatus, PricedLine } from '@meshmart/contracts';
import type { OrderViewRecord } from '../orders/order.entity';
import type { SagaState, SagaStep } from './domain/checkout-saga';

/** What a runner holding a saga's lease knows of its order. */
export interface LeasedOrder {
  id: string;
  userId: string;
  status: OrderStatus;
  failureReason: OrderFailureReason | null;
  lines: PricedLine[];
  totalMinor: number;
  currency: string;
  paymentToken: string;
  paymentId: string | null;
  createdAt: Date;
}

/** One step's result, as it is written: the saga's new state and the order's. */
export interface StepRecord {
  state: SagaState;
  lastError: string | null;
  nextAttemptAt: Date;
  /** The runner lets go of the saga with this write (it is done, or waits for a retry). */
  releaseLease: boolean;
  order: Pick<LeasedOrder, 'status' | 'failureReason' | 'paymentId'>;
  at: Date;
}

/** The saga's columns, then the order's (as `OrderViewRecord` has them, with the payment token the saga needs). */
type ClaimedRow = Pick<OrderViewRecord, 'user_id' | 'status' | 'failure_reason' | 'lines' | 'total_minor' | 'currency' | 'payment_id' | 'created_at'> & {
  step: SagaStep;
  saga_failure_reason: OrderFailureReason | null;
  saga_payment_id: string | null;
  attempts: number;
  deadline_at: Date;
  payment_token: string;
};

/**
 * The saga's reads and writes in as few round trips as they can be: the lease, the saga and its
 * order in one statement; each step's saga and order update in one statement (a data-modifying
 * CTE is atomic on its own, no transaction needed). Plain SQL: TypeORM's query builder cost more
 * CPU than Postgres did on these paths.
 */
export class SagaStore {
  constructor(private readonly db: DataSource) {}

  /** Takes the lease of a live, unleased saga for `leaseMs`; undefined if it is done or someone holds it. */
  async claim(orderId: string, leaseMs: number): Promise<{ state: SagaState; order: LeasedOrder } | undefined> {
    const [rows] = (await this.db.query(
      `UPDATE checkout_sagas s SET lease_until = now() + make_interval(secs => $2::double precision / 1000)
         FROM orders o
        WHERE s.order_id = $1 AND o.id = s.order_id AND s.step <> 'DONE' AND (s.lease_until IS NULL OR s.lease_until < now())
        RETURNING s.step, s.failure_reason AS saga_failure_reason, s.payment_id AS saga_payment_id, s.attempts, s.deadline_at,
                  o.user_id, o.status, o.failure_reason, o.lines, o.total_minor, o.currency, o.payment_token, o.payment_id, o.created_at`,
      [orderId, leaseMs],
    )) as [ClaimedRow[], number];
    const row = rows[0];
    if (!row) return undefined;
    return {
      state: {
        step: row.step,
        failureReason: row.saga_failure_reason ?? undefined,
        paymentId: row.saga_payment_id ?? undefined,
        attempts: row.attempts,
        deadlineAt: row.deadline_at,
      },
      order: {
        id: orderId,
        userId: row.user_id,
        status: row.status,
        failureReason: row.failure_reason,
        lines: row.lines,
        totalMinor: Number(row.total_minor),
        currency: row.currency,
        paymentToken: row.payment_token,
        paymentId: row.payment_id,
        createdAt: row.created_at,
      },
    };
  }

  /** Writes a step's saga and order together; `manager` is a transaction's when more goes with it (an event). */
  async recordStep(orderId: string, step: StepRecord, manager: EntityManager = this.db.manager): Promise<void> {
    const { state, order } = step;
    await manager.query(
      `WITH saga AS (
         UPDATE checkout_sagas SET step = $2, failure_reason = $3, payment_id = $4, attempts = $5, last_error = $6, next_attempt_at = $7, updated_at = $8,
                lease_until = CASE WHEN $9 THEN NULL ELSE lease_until END
          WHERE order_id = $1)
       UPDATE orders SET status = $10, failure_reason = $11, payment_id = $12, updated_at = $8 WHERE id = $1`,
      [
        orderId,
        state.step,
        state.failureReason ?? null,
        state.paymentId ?? null,
        state.attempts,
        step.lastError,
        step.nextAttemptAt,
        step.at,
        step.releaseLease,
        order.status,
        order.failureReason,
        order.paymentId,
      ],
    );
  }

  /** Lets go of a saga's lease (after a runner failed mid-way), so the sweeper may pick it up. */
  async release(orderId: string): Promise<void> {
    await this.db.query('UPDATE checkout_sagas SET lease_until = NULL WHERE order_id = $1', [orderId]);
  }
}
