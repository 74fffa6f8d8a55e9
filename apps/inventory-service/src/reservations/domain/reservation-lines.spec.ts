import { describe, expect, it } from 'vitest';
import { checkLines, sameLines, unitsBySku } from './reservation-lines';

describe('checkLines', () => {
  it('puts lines in sku order, the order stock rows are locked in', () => {
    expect(
      checkLines([
        { sku: 'MUG-002', quantity: 1 },
        { sku: 'CAP-1', quantity: 3 },
        { sku: 'MUG-001', quantity: 2 },
      ]),
    ).toEqual({
      lines: [
        { sku: 'CAP-1', quantity: 3 },
        { sku: 'MUG-001', quantity: 2 },
        { sku: 'MUG-002', quantity: 1 },
      ],
    });
  });

  it('orders by code point, so digits and dashes sort the same everywhere', () => {
    expect(
      checkLines([
        { sku: 'A1', quantity: 1 },
        { sku: 'A-1', quantity: 1 },
        { sku: 'AB', quantity: 1 },
        { sku: '9Z', quantity: 1 },
      ]),
    ).toEqual({
      lines: [
        { sku: '9Z', quantity: 1 },
        { sku: 'A-1', quantity: 1 },
        { sku: 'A1', quantity: 1 },
        { sku: 'AB', quantity: 1 },
      ],
    });
  });

  it('refuses a sku named on two lines, pointing at the second', () => {
    expect(
      checkLines([
        { sku: 'MUG-001', quantity: 1 },
        { sku: 'CAP-1', quantity: 1 },
        { sku: 'MUG-001', quantity: 2 },
      ]),
    ).toEqual({ refusal: 'duplicate-sku', sku: 'MUG-001', index: 2 });
  });

  it('leaves the request it was given as it was', () => {
    const request = [
      { sku: 'B2', quantity: 1 },
      { sku: 'A1', quantity: 1 },
    ];
    checkLines(request);
    expect(request.map((line) => line.sku)).toEqual(['B2', 'A1']);
  });
});

describe('sameLines', () => {
  it('matches the same quantities of the same skus in any order', () => {
    expect(
      sameLines(
        [
          { sku: 'A1', quantity: 1 },
          { sku: 'B2', quantity: 2 },
        ],
        [
          { sku: 'B2', quantity: 2 },
          { sku: 'A1', quantity: 1 },
        ],
      ),
    ).toBe(true);
  });

  it('tells apart another quantity, another sku, or another number of lines', () => {
    const lines = [
      { sku: 'A1', quantity: 1 },
      { sku: 'B2', quantity: 2 },
    ];
    expect(
      sameLines(lines, [
        { sku: 'A1', quantity: 1 },
        { sku: 'B2', quantity: 3 },
      ]),
    ).toBe(false);
    expect(
      sameLines(lines, [
        { sku: 'A1', quantity: 1 },
        { sku: 'C3', quantity: 2 },
      ]),
    ).toBe(false);
    expect(sameLines(lines, [{ sku: 'A1', quantity: 1 }])).toBe(false);
  });
});

describe('unitsBySku', () => {
  it('adds up the units of several reservations per sku, in sku order', () => {
    expect(
      unitsBySku([
        [
          { sku: 'B2', quantity: 1 },
          { sku: 'A1', quantity: 2 },
        ],
        [{ sku: 'A1', quantity: 3 }],
        [],
      ]),
    ).toEqual([
      { sku: 'A1', quantity: 5 },
      { sku: 'B2', quantity: 1 },
    ]);
  });
});
