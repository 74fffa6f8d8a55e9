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

/** The row as the contract's `Payment` (`paymentSchema`): absent rather than null fields. */
export function paymentOf(row: PaymentEntity): Payment {
  return {
    id: row.id,
    orderId: row.orderId,
    status: row.status,
    amount: { amountMinor: row.amountMinor, currency: row.currency },
    ...(row.failureReason === null ? {} : { failureReason: row.failureReason }),
    ...(row.providerReference === null ? {} : { providerReference: row.providerReference }),
  };
}

/**
 * The hot paths (authorize, capture, the saga's reads) read rows with plain SQL: TypeORM's query
 * builder and entity mapping cost more CPU than Postgres spent on the query.
 */
export const PAYMENT_COLUMNS =
  'id, order_id, idempotency_key, request_fingerprint, status, amount_minor, currency, token_hint, failure_reason, provider_reference, created_at, updated_at';

/** A row of `SELECT ${PAYMENT_COLUMNS} FROM payments`, as pg returns it. */
export interface PaymentRecord {
  id: string;
  order_id: string;
  idempotency_key: string;
  request_fingerprint: string;
  status: PaymentStatus;
  amount_minor: string;
  currency: string;
  token_hint: string;
  failure_reason: string | null;
  provider_reference: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The entity of a plain row, as TypeORM would have built it. */
export function paymentEntityOf(row: PaymentRecord): PaymentEntity {
  return Object.assign(new PaymentEntity(), {
    id: row.id,
    orderId: row.order_id,
    idempotencyKey: row.idempotency_key,
    requestFingerprint: row.request_fingerprint,
    status: row.status,
    amountMinor: Number(row.amount_minor),
    currency: row.currency,
    tokenHint: row.token_hint,
    failureReason: row.failure_reason,
    providerReference: row.provider_reference,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  });
}
