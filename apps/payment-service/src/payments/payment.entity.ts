import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn, type ValueTransformer } from 'typeorm';
import type { Payment, PaymentStatus } from '@meshmart/contracts';

// Postgres hands bigint back as a string; amounts are capped far below 2^53 by the contract.
const bigintAsNumber: ValueTransformer = { to: (value: number) => value, from: (value: string | null) => (value === null ? null : Number(value)) };

/**
 * A row of the `payments` table (the schema itself is the migration's). Money is in minor units
 * with its currency; the card token is not here, only `tokenHint`.
 */
@Entity({ name: 'payments' })
export class PaymentEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ name: 'order_id', type: 'uuid' })
  orderId!: string;

  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey!: string;

  /** sha256 of the authorization request, to tell a repeat from a reused key. */
  @Column({ name: 'request_fingerprint', type: 'char', length: 64 })
  requestFingerprint!: string;

  @Column({ type: 'text' })
  status!: PaymentStatus;

  @Column({ name: 'amount_minor', type: 'bigint', transformer: bigintAsNumber })
  amountMinor!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ name: 'token_hint', type: 'text' })
  tokenHint!: string;

  @Column({ name: 'failure_reason', type: 'text', nullable: true })
  failureReason!: string | null;

  @Column({ name: 'provider_reference', type: 'text', nullable: true })
  providerReference!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** The row as the API shows it (`paymentSchema`): absent rather than null fields. */
export function toPayment(row: PaymentEntity): Payment {
  return {
    id: row.id,
    orderId: row.orderId,
    status: row.status,
    amount: { amountMinor: row.amountMinor, currency: row.currency },
    ...(row.failureReason === null ? {} : { failureReason: row.failureReason }),
    ...(row.providerReference === null ? {} : { providerReference: row.providerReference }),
  };
}
