import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Order, OrderFailureReason, OrderStatus, PricedLine } from '@meshmart/contracts';

@Entity({ name: 'orders' })
export class OrderRow {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'user_id', type: 'text' }) userId!: string;
  @Column({ name: 'cart_id', type: 'uuid' }) cartId!: string;
  @Column({ name: 'idempotency_key', type: 'text' }) idempotencyKey!: string;
  @Column({ type: 'text' }) status!: OrderStatus;
  @Column({ name: 'failure_reason', type: 'text', nullable: true }) failureReason!: OrderFailureReason | null;
  @Column({ type: 'jsonb' }) lines!: PricedLine[];
  // bigint arrives as a string from pg; totals stay far below 2^53.
  @Column({ name: 'total_minor', type: 'bigint', transformer: { to: (value: number) => value, from: (value: string) => Number(value) } }) totalMinor!: number;
  @Column({ type: 'char', length: 3 }) currency!: string;
  @Column({ name: 'payment_token', type: 'text' }) paymentToken!: string;
  @Column({ name: 'payment_id', type: 'uuid', nullable: true }) paymentId!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** The API view of an order row (never the payment token). */
export function toOrder(row: OrderRow): Order {
  const order: Order = {
    id: row.id,
    userId: row.userId,
    status: row.status,
    lines: row.lines,
    total: { amountMinor: row.totalMinor, currency: row.currency },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
  if (row.failureReason) order.failureReason = row.failureReason;
  if (row.paymentId) order.paymentId = row.paymentId;
  return order;
}
