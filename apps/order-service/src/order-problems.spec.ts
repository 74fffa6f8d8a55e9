import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idempotencyKeyReused } from '@meshmart/contracts';
import { ProblemException } from '@meshmart/mesh';
import { answerOrThrow, problemOf } from './order-problems';

const orderId = randomUUID();

describe('problemOf', () => {
  it.each([
    [{ refusal: 'mixed-currencies', currencies: ['EUR', 'USD'] } as const, 422, { detail: 'an order is paid in one currency; the lines use EUR, USD' }],
    [{ refusal: 'unknown-order', orderId } as const, 404, { detail: `no order ${orderId} for this user` }],
    [idempotencyKeyReused, 422, { title: 'idempotency key reused' }],
  ])('answers %j with its status, its slug and its details', (refusal, status, members) => {
    const problem = problemOf(refusal).toProblem('/orders');
    expect(problem).toMatchObject({ ...members, status, type: `https://meshmart.dev/problems/${refusal.refusal}`, instance: '/orders' });
  });

  it('says nothing of the order a reused key placed', () => {
    expect(problemOf(idempotencyKeyReused).toProblem('/orders')).not.toHaveProperty('orderId');
  });
});

describe('answerOrThrow', () => {
  it('passes a value through and throws a refusal as its problem', () => {
    const value = { value: { id: orderId }, replayed: true };
    expect(answerOrThrow(value)).toBe(value);
    expect(() => answerOrThrow({ refusal: 'unknown-order', orderId })).toThrow(ProblemException);
  });
});
