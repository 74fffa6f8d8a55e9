import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidRequest, ProblemException } from '@meshmart/mesh';
import { answerOrThrow, problemOf } from './inventory-problems';

const orderId = randomUUID();

describe('problemOf', () => {
  it.each([
    [{ refusal: 'unknown-product', sku: 'MUG-001' } as const, 404, { sku: 'MUG-001' }],
    [{ refusal: 'out-of-stock', sku: 'MUG-001', requested: 3, available: 1 } as const, 409, { sku: 'MUG-001', requested: 3, available: 1 }],
    [{ refusal: 'reservation-conflict', orderId } as const, 409, { orderId }],
    [{ refusal: 'unknown-reservation', orderId } as const, 404, { orderId }],
    [{ refusal: 'reservation-released', orderId, releaseReason: 'expired' } as const, 409, { orderId, releaseReason: 'expired' }],
    [{ refusal: 'reservation-committed', orderId } as const, 409, { orderId }],
  ])('answers %j with its status, its slug and its details', (refusal, status, extensions) => {
    const problem = problemOf(refusal).toProblem('/reservations');
    expect(problem).toMatchObject({ ...extensions, status, type: `https://meshmart.dev/problems/${refusal.refusal}`, instance: '/reservations' });
  });

  it('answers a sku named twice as an invalid request pointing at the line', () => {
    const problem = problemOf({ refusal: 'duplicate-sku', sku: 'MUG-001', index: 1 });
    expect(problem).toBeInstanceOf(InvalidRequest);
    expect(problem.toProblem('/reservations')).toMatchObject({
      status: 400,
      type: 'https://meshmart.dev/problems/invalid-request',
      errors: [{ path: 'lines.1.sku' }],
    });
  });
});

describe('answerOrThrow', () => {
  it('passes a value through and throws a refusal as its problem', () => {
    const value = { orderId };
    expect(answerOrThrow(value)).toBe(value);
    expect(() => answerOrThrow({ refusal: 'unknown-reservation', orderId })).toThrow(ProblemException);
  });
});
