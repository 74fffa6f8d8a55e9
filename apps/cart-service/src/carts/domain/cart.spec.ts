import { describe, expect, it } from 'vitest';
import type { PricedLine } from '@meshmart/contracts';
import { cartTotal, lineTotal, removeLine, reprice, setLine } from './cart';

const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });
const mug = { sku: 'MUG-1', name: 'Mug', quantity: 2, unitPrice: eur(1_250) };
const tee = { sku: 'TEE-1', name: 'Tee', quantity: 1, unitPrice: eur(1_999) };

describe('cart lines', () => {
  it('adds, replaces and removes lines by sku, keeping sku order', () => {
    let lines = setLine([], tee) as PricedLine[];
    lines = setLine(lines, mug) as PricedLine[];
    expect(lines.map((l) => l.sku)).toEqual(['MUG-1', 'TEE-1']);
    lines = setLine(lines, { ...mug, quantity: 5 }) as PricedLine[];
    expect(lines).toHaveLength(2);
    expect(lines[0]?.quantity).toBe(5);
    expect(removeLine(lines, 'MUG-1')).toEqual([tee]);
    expect(removeLine(lines, 'NOPE-1')).toEqual(lines);
  });

  it('keeps one currency per cart', () => {
    expect(setLine([mug], { ...tee, unitPrice: { amountMinor: 100, currency: 'USD' } })).toEqual({
      refusal: 'currency-mismatch',
      cartCurrency: 'EUR',
      lineCurrency: 'USD',
    });
    // Replacing the only line may change the currency: nothing else is priced in the old one.
    expect(setLine([mug], { ...mug, unitPrice: { amountMinor: 100, currency: 'USD' } })).toEqual([
      { ...mug, unitPrice: { amountMinor: 100, currency: 'USD' } },
    ]);
  });

  it('totals in minor units', () => {
    expect(lineTotal(mug)).toEqual(eur(2_500));
    expect(cartTotal([mug, tee])).toEqual(eur(4_499));
    expect(cartTotal([])).toEqual(eur(0));
  });

  it('reprices with current prices and reports products that are gone', () => {
    const current = new Map([['MUG-1', { name: 'Big mug', price: eur(1_300) }]]);
    expect(reprice([mug, tee], current)).toEqual({ lines: [{ ...mug, name: 'Big mug', unitPrice: eur(1_300) }], missing: ['TEE-1'] });
  });
});
