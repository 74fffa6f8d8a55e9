import type { OrderLine } from '@meshmart/contracts';
import type { InventoryRefusal } from './inventory-refusal';

/**
 * Checks the lines of a reservation request and puts them in sku order.
 *
 * A request naming one sku on two lines is refused rather than merged: the contract caps a
 * line at 100 units, which a merge could exceed, and a reservation that answers with other
 * lines than it was asked for would make the idempotent repeat (same order, same lines)
 * ambiguous. Sku order is the order stock rows are locked in, so two reservations never
 * wait on each other's rows in a cycle (no deadlock).
 * @example checkLines([{ sku: 'B', quantity: 1 }, { sku: 'A', quantity: 2 }]) // { lines: [A×2, B×1] }
 */
export function checkLines(lines: readonly OrderLine[]): { lines: OrderLine[] } | Extract<InventoryRefusal, { refusal: 'duplicate-sku' }> {
  const seen = new Set<string>();
  for (const [index, line] of lines.entries()) {
    if (seen.has(line.sku)) return { refusal: 'duplicate-sku', sku: line.sku, index };
    seen.add(line.sku);
  }
  return { lines: inSkuOrder(lines) };
}

/** Whether two sets of lines ask for the same quantities of the same skus, in any order. */
export function sameLines(a: readonly OrderLine[], b: readonly OrderLine[]): boolean {
  if (a.length !== b.length) return false;
  const [left, right] = [inSkuOrder(a), inSkuOrder(b)];
  return left.every((line, i) => line.sku === right[i]?.sku && line.quantity === right[i]?.quantity);
}

/**
 * The units per sku of several reservations together, in sku order: what releasing them all
 * gives back, one row update per sku, locked in the same order as reservations lock them.
 */
export function unitsBySku(lineSets: readonly (readonly OrderLine[])[]): OrderLine[] {
  const totals = new Map<string, number>();
  for (const line of lineSets.flat()) totals.set(line.sku, (totals.get(line.sku) ?? 0) + line.quantity);
  return inSkuOrder([...totals].map(([sku, quantity]) => ({ sku, quantity })));
}

function inSkuOrder(lines: readonly OrderLine[]): OrderLine[] {
  // Plain code-point order, the same as Postgres's "C" collation would give; skus are ASCII.
  return [...lines].sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
}
