import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Order, OrderFailureReason, OrderStatus, PricedLine } from '@meshmart/contracts';

@Entity({ name: 'orders' })
export class OrderEntity {
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

/** The entity as the contract's `Order` (never the payment token). */
export function orderOf(row: Omit<OrderEntity, 'cartId' | 'idempotencyKey' | 'paymentToken'>): Order {
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

/**
 * The columns `orderOfRecord` reads: the reads of the API (a shopper polling an order) skip
 * TypeORM's query builder and entity mapping, which cost more than the query itself, and never
 * select the payment token.
 */
export const ORDER_VIEW_COLUMNS = 'id, user_id, status, failure_reason, lines, total_minor, currency, payment_id, created_at, updated_at';

/** A row of `SELECT ${ORDER_VIEW_COLUMNS} FROM orders`, as pg returns it. */
export interface OrderViewRecord {
  id: string;
  user_id: string;
  status: OrderStatus;
  failure_reason: OrderFailureReason | null;
  lines: PricedLine[];
  /** bigint arrives as a string; totals stay far below 2^53. */
  total_minor: string;
  currency: string;
  payment_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The record as the contract's `Order`, the same as `orderOf` gives for the entity. */
export function orderOfRecord(view: OrderViewRecord): Order {
  return orderOf({
    id: view.id,
    userId: view.user_id,
    status: view.status,
    failureReason: view.failure_reason,
    lines: view.lines,
    totalMinor: Number(view.total_minor),
    currency: view.currency,
    paymentId: view.payment_id,
    createdAt: view.created_at,
    updatedAt: view.updated_at,
  });
}
