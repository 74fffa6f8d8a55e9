import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Product } from '@meshmart/contracts';

/** A product and its stock: one row of `products` (see the CreateInventory migration). */
@Entity({ name: 'products' })
export class ProductEntity {
  @PrimaryColumn({ type: 'text' })
  sku!: string;

  @Column({ type: 'text' })
  name!: string;

  /** The price in minor units (cents) of `currency`: no float ever touches money. */
  @Column({ name: 'price_minor', type: 'integer' })
  priceMinor!: number;

  @Column({ type: 'text' })
  currency!: string;

  /** Units that can still be reserved; a CHECK keeps it from going below zero. */
  @Column({ type: 'integer' })
  available!: number;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** The row (or the same columns of a raw query) as the contract's `Product`. */
export function productOf(row: Pick<ProductEntity, 'sku' | 'name' | 'priceMinor' | 'currency' | 'available'>): Product {
  return { sku: row.sku, name: row.name, price: { amountMinor: row.priceMinor, currency: row.currency }, available: row.available };
}
