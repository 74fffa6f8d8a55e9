import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { idempotencyKeyReused } from '@meshmart/contracts';
import { ProblemException } from '@meshmart/mesh';
import { answerOrThrow, problemOf } from './payment-problems';

const paymentId = randomUUID();

describe('problemOf', () => {
  it.each([
    [{ refusal: 'unknown-payment', paymentId } as const, 404, { paymentId }],
    [
      { refusal: 'invalid-payment-transition', paymentId, status: 'DECLINED', action: 'capture' } as const,
      409,
      { detail: `cannot capture payment ${paymentId}: it is DECLINED` },
    ],
    [idempotencyKeyReused, 422, { detail: 'this Idempotency-Key was used for a different request; use a new key for a new request' }],
  ])('answers %j with its status, its slug and its details', (refusal, status, members) => {
    const problem = problemOf(refusal).toProblem('/payments');
    expect(problem).toMatchObject({ ...members, status, type: `https://meshmart.dev/problems/${refusal.refusal}`, instance: '/payments' });
  });
});

describe('answerOrThrow', () => {
  it('passes a value through and throws a refusal as its problem', () => {
    const value = { id: paymentId };
    expect(answerOrThrow(value)).toBe(value);
    expect(() => answerOrThrow({ refusal: 'unknown-payment', paymentId })).toThrow(ProblemException);
  });
});
