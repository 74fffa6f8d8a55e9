import { describe, expect, it } from 'vitest';
import { ProblemException } from './validation';

describe('ProblemException.of', () => {
  it('makes the same problem document as the constructor, extension members included', () => {
    const written = {
      status: 409,
      slug: 'out-of-stock',
      title: 'not enough stock',
      detail: '3 of MUG-001 requested, 1 available',
      extensions: { sku: 'MUG-001' },
    };
    expect(ProblemException.of(written).toProblem('/reservations')).toEqual(
      new ProblemException(409, 'out-of-stock', 'not enough stock', '3 of MUG-001 requested, 1 available', { sku: 'MUG-001' }).toProblem('/reservations'),
    );
    expect(ProblemException.of({ ...written, extensions: undefined }).toProblem('/x')).toEqual({
      type: 'https://meshmart.dev/problems/out-of-stock',
      title: 'not enough stock',
      status: 409,
      detail: '3 of MUG-001 requested, 1 available',
      instance: '/x',
    });
  });
});
