import type { EntityManager } from 'typeorm';
import type { OrderLine } from '@meshmart/contracts';
import type { InventoryRefusal } from './domain/inventory-refusal';

/** Why stock could not be taken for a line. */
export type StockShortage = Extract<InventoryRefusal, { refusal: 'unknown-product' | 'out-of-stock' }>;

/**
 * Takes the units of each line from its product, in the order given (sku order, so concurrent
 * callers lock rows in one order and never deadlock), and stops at the first line that cannot
 * be served. The decrement is conditional, so two transactions can never both take the last
 * unit: the second one's UPDATE re-reads the row after the first commits and matches nothing.
 * On a shortage the caller must roll back, giving back what earlier lines took.
 */
export async function takeStock(tx: EntityManager, lines: readonly OrderLine[]): Promise<StockShortage | undefined> {
  for (const { sku, quantity } of lines) {
    const [, taken] = (await tx.query('UPDATE products SET available = available - $2, updated_at = now() WHERE sku = $1 AND available >= $2', [
      sku,
      quantity,
    ])) as [unknown[], number];
    if (taken === 1) continue;
    const [product] = (await tx.query('SELECT available FROM products WHERE sku = $1', [sku])) as { available: number }[];
    return product ? { refusal: 'out-of-stock', sku, requested: quantity, available: product.available } : { refusal: 'unknown-product', sku };
  }
  return undefined;
}

/** Gives units back to their products, in the order given (sku order, as `takeStock` locks). */
export async function restoreStock(tx: EntityManager, lines: readonly OrderLine[]): Promise<void> {
  for (const { sku, quantity } of lines) {
    await tx.query('UPDATE products SET available = available + $2, updated_at = now() WHERE sku = $1', [sku, quantity]);
  }
}
