import { describe, expect, it } from 'vitest';
import { ProblemException } from './validation';
import { parseIdempotencyKey } from './idempotency-key';

describe('parseIdempotencyKey', () => {
  it.each(['k', 'checkout:7d0f2b7e-3f7a-4c1e-9a53-2f1f7b3c9e11:1', 'A.b_c-d:9', 'x'.repeat(200)])('accepts %s', (key) => {
    expect(parseIdempotencyKey(key)).toBe(key);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['too long', 'x'.repeat(201)],
    ['with a space', 'two words'],
    ['with a slash', 'a/b'],
    ['repeated header', ['a', 'b']],
  ])('refuses a key that is %s with a 400 idempotency-key-required problem', (_case, value) => {
    try {
      parseIdempotencyKey(value);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemException);
      expect((error as ProblemException).toProblem('/payments')).toMatchObject({ status: 400, type: 'https://meshmart.dev/problems/idempotency-key-required' });
    }
  });
});
