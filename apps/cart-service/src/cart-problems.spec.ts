import { describe, expect, it } from 'vitest';
import { ProblemException } from '@meshmart/mesh';
import { answerOrThrow, problemOf } from './cart-problems';

describe('problemOf', () => {
  it.each([
    [{ refusal: 'unknown-product', sku: 'MUG-001' } as const, 404, { sku: 'MUG-001' }],
    [{ refusal: 'out-of-stock', sku: 'MUG-001', requested: 3, available: 1 } as const, 409, { sku: 'MUG-001', requested: 3, available: 1 }],
    [{ refusal: 'currency-mismatch', cartCurrency: 'EUR', lineCurrency: 'USD' } as const, 409, { detail: 'the cart is in EUR; this product is priced in USD' }],
    [{ refusal: 'empty-cart' } as const, 409, {}],
    [{ refusal: 'product-no-longer-sold', skus: ['MUG-001', 'TEE-001'] } as const, 409, { skus: ['MUG-001', 'TEE-001'] }],
    [{ refusal: 'idempotency-key-reused' } as const, 422, { title: 'idempotency key reused' }],
  ])('answers %j with its status, its slug and its details', (refusal, status, members) => {
    const problem = problemOf(refusal).toProblem('/carts/ada');
    expect(problem).toMatchObject({ ...members, status, type: `https://meshmart.dev/problems/${refusal.refusal}`, instance: '/carts/ada' });
  });

  it('words a shortage as inventory does', () => {
    expect(problemOf({ refusal: 'out-of-stock', sku: 'MUG-001', requested: 3, available: 1 }).toProblem('/carts/ada')).toMatchObject({
      title: 'not enough stock',
      detail: '3 of MUG-001 requested, 1 available',
    });
  });
});

describe('answerOrThrow', () => {
  it('passes a value through and throws a refusal as its problem', () => {
    const value = { orderId: 'o-1' };
    expect(answerOrThrow(value)).toBe(value);
    expect(() => answerOrThrow({ refusal: 'empty-cart' })).toThrow(ProblemException);
  });
});
