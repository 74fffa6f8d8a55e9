import { describe, expect, it } from 'vitest';
import { orderStatuses } from '@meshmart/contracts';
import { canTransition, InvalidOrderTransition, isTerminal, orderTotal, transition } from './order';

const eur = (amountMinor: number) => ({ amountMinor, currency: 'EUR' });

describe('the order state machine', () => {
  it('walks the happy path and ends there', () => {
    let status = transition('PENDING', 'RESERVED');
    status = transition(status, 'PAID');
    status = transition(status, 'CONFIRMED');
    expect(isTerminal(status)).toBe(true);
  });

  it('fails from any live status, and from no terminal one', () => {
    for (const from of ['PENDING', 'RESERVED', 'PAID'] as const) expect(canTransition(from, 'FAILED')).toBe(true);
    for (const from of ['CONFIRMED', 'CANCELLED', 'FAILED'] as const) {
      for (const to of orderStatuses) expect(canTransition(from, to)).toBe(false);
    }
  });

  it('refuses skipping steps or going back', () => {
    expect(() => transition('PENDING', 'CONFIRMED')).toThrow(InvalidOrderTransition);
    expect(() => transition('PAID', 'RESERVED')).toThrow('an order cannot go from PAID to RESERVED');
    expect(canTransition('PAID', 'CANCELLED')).toBe(false);
  });
});

describe('orderTotal', () => {
  it('adds quantity × unit price in minor units', () => {
    const lines = [
      { sku: 'MUG-1', name: 'Mug', quantity: 3, unitPrice: eur(1_250) },
      { sku: 'TEE-1', name: 'Tee', quantity: 1, unitPrice: eur(1_999) },
    ];
    expect(orderTotal(lines)).toEqual(eur(5_749));
  });

  it('refuses lines in more than one currency', () => {
    const lines = [
      { sku: 'MUG-1', name: 'Mug', quantity: 1, unitPrice: eur(100) },
      { sku: 'TEE-1', name: 'Tee', quantity: 1, unitPrice: { amountMinor: 100, currency: 'USD' } },
    ];
    expect(orderTotal(lines)).toEqual({ refusal: 'mixed-currencies', currencies: ['EUR', 'USD'] });
  });
});
