import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Cart, PricedLine } from '@meshmart/contracts';
import { cartTotal, lineTotal } from './domain/cart';

/** A user's cart: one row of `carts`; a user has at most one OPEN cart (a partial unique index says so). */
@Entity({ name: 'carts' })
export class CartEntity {
  @PrimaryColumn({ type: 'uuid' }) id!: string;
  @Column({ name: 'user_id', type: 'text' }) userId!: string;
  @Column({ type: 'text' }) status!: 'OPEN' | 'CHECKED_OUT';
  @Column({ type: 'jsonb' }) lines!: PricedLine[];
  @Column({ name: 'checkout_key', type: 'text', nullable: true }) checkoutKey!: string | null;
  @Column({ name: 'order_id', type: 'uuid', nullable: true }) orderId!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

/** The entity as the contract's `Cart`, with line and cart totals. */
export function cartOf(row: CartEntity): Cart {
  return { id: row.id, userId: row.userId, lines: row.lines.map((line) => ({ ...line, lineTotal: lineTotal(line) })), total: cartTotal(row.lines) };
}
