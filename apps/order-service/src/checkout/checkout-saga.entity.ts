import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrderFailureReason } from '@meshmart/contracts';
import type { SagaState, SagaStep } from './domain/checkout-saga';

@Entity({ name: 'checkout_sagas' })
export class CheckoutSagaEntity {
  @PrimaryColumn({ name: 'order_id', type: 'uuid' }) orderId!: string;
  @Column({ type: 'text' }) step!: SagaStep;
  @Column({ name: 'failure_reason', type: 'text', nullable: true }) failureReason!: OrderFailureReason | null;
  @Column({ name: 'payment_id', type: 'uuid', nullable: true }) paymentId!: string | null;
  @Column({ type: 'integer' }) attempts!: number;
  @Column({ name: 'last_error', type: 'text', nullable: true }) lastError!: string | null;
  @Column({ name: 'deadline_at', type: 'timestamptz' }) deadlineAt!: Date;
  @Column({ name: 'next_attempt_at', type: 'timestamptz' }) nextAttemptAt!: Date;
  @Column({ name: 'lease_until', type: 'timestamptz', nullable: true }) leaseUntil!: Date | null;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

export function sagaStateOf(row: CheckoutSagaEntity): SagaState {
  return {
    step: row.step,
    failureReason: row.failureReason ?? undefined,
    paymentId: row.paymentId ?? undefined,
    attempts: row.attempts,
    deadlineAt: row.deadlineAt,
  };
}
