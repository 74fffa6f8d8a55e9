import type { Money, PricedLine } from '@meshmart/contracts';
import type { CartRefusal } from './cart-refusal';

/** The currency of an empty cart's total. */
export const DEFAULT_CURRENCY = 'EUR';

/** The lines with `line` set (added, or its quantity and price replaced), in sku order; one currency per cart. */
export function setLine(lines: readonly PricedLine[], line: PricedLine): PricedLine[] | Extract<CartRefusal, { refusal: 'currency-mismatch' }> {
  const currency = lines[0]?.unitPrice.currency;
  const others = lines.filter((existing) => existing.sku !== line.sku);
  if (currency && others.length > 0 && currency !== line.unitPrice.currency)
    return { refusal: 'currency-mismatch', cartCurrency: currency, lineCurrency: line.unitPrice.currency };
  return [...others, line].sort((a, b) => a.sku.localeCompare(b.sku));
}

export function removeLine(lines: readonly PricedLine[], sku: string): PricedLine[] {
  return lines.filter((line) => line.sku !== sku);
}

export function lineTotal(line: PricedLine): Money {
  return { amountMinor: line.quantity * line.unitPrice.amountMinor, currency: line.unitPrice.currency };
}

export function cartTotal(lines: readonly PricedLine[]): Money {
  return { amountMinor: lines.reduce((sum, line) => sum + lineTotal(line).amountMinor, 0), currency: lines[0]?.unitPrice.currency ?? DEFAULT_CURRENCY };
}

/** Lines whose product is gone, or whose price changed since they were added: checkout reprices with today's. */
export function reprice(
  lines: readonly PricedLine[],
  current: ReadonlyMap<string, { name: string; price: Money }>,
): { lines: PricedLine[]; missing: string[] } {
  const missing = lines.filter((line) => !current.has(line.sku)).map((line) => line.sku);
  const repriced = lines.flatMap((line) => {
    const product = current.get(line.sku);
    return product ? [{ ...line, name: product.name, unitPrice: product.price }] : [];
  });
  return { lines: repriced, missing };
}
