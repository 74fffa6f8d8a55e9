import { describe, expect, it } from 'vitest';
import { idempotencyKeyReused, isRefusal, type OutOfStock, replayStatus, sharedProblemOf, type UnknownProduct } from './outcomes';

describe('isRefusal', () => {
  it('tells a refusal from a value by its refusal member', () => {
    const outcomes: ({ orderId: string } | UnknownProduct)[] = [{ orderId: 'o-1' }, { refusal: 'unknown-product', sku: 'MUG-001' }];
    expect(outcomes.map((outcome) => isRefusal(outcome))).toEqual([false, true]);
  });
});

describe('replayStatus', () => {
  it('answers 201 for what a call made and 200 for a replay', () => {
    expect(replayStatus({ value: 1, replayed: false })).toBe(201);
    expect(replayStatus({ value: 1, replayed: true })).toBe(200);
  });
});

describe('sharedProblemOf', () => {
  it('words key reuse once: 422 with no member of the other request', () => {
    expect(sharedProblemOf(idempotencyKeyReused)).toEqual({
      status: 422,
      slug: 'idempotency-key-reused',
      title: 'idempotency key reused',
      detail: 'this Idempotency-Key was used for a different request; use a new key for a new request',
    });
  });

  it('names the sku of an unknown product and the numbers of a shortage', () => {
    expect(sharedProblemOf({ refusal: 'unknown-product', sku: 'MUG-001' })).toMatchObject({
      status: 404,
      slug: 'unknown-product',
      extensions: { sku: 'MUG-001' },
    });
    const shortage: OutOfStock = { refusal: 'out-of-stock', sku: 'MUG-001', requested: 3, available: 1 };
    expect(sharedProblemOf(shortage)).toMatchObject({
      status: 409,
      slug: 'out-of-stock',
      detail: '3 of MUG-001 requested, 1 available',
      extensions: { sku: 'MUG-001', requested: 3, available: 1 },
    });
  });
});
