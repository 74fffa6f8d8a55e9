import { describe, expect, it } from 'vitest';
import { fractionalPercent, gatewayDuration, protoDuration, retryClasses } from './policy-units';

describe("a policy's percentages and durations in Envoy's and Gateway API's words", () => {
  it('maps a percentage onto the coarsest FractionalPercent that holds it exactly', () => {
    expect(fractionalPercent(20)).toEqual({ numerator: 20, denominator: 'HUNDRED' });
    expect(fractionalPercent(0)).toEqual({ numerator: 0, denominator: 'HUNDRED' });
    expect(fractionalPercent(100)).toEqual({ numerator: 100, denominator: 'HUNDRED' });
    expect(fractionalPercent(12.5)).toEqual({ numerator: 1250, denominator: 'TEN_THOUSAND' });
    expect(fractionalPercent(0.01)).toEqual({ numerator: 1, denominator: 'TEN_THOUSAND' });
    expect(fractionalPercent(0.005)).toEqual({ numerator: 50, denominator: 'MILLION' });
    expect(fractionalPercent(33.33333)).toEqual({ numerator: 333333, denominator: 'MILLION' });
  });

  it('writes protobuf durations in seconds and Gateway API durations in whole units', () => {
    expect(protoDuration(2000)).toBe('2s');
    expect(protoDuration(250)).toBe('0.25s');
    expect(gatewayDuration(2000)).toBe('2s');
    expect(gatewayDuration(1500)).toBe('1500ms');
  });
});

describe("a matched route split into the library's retry classes", () => {
  it('is one class when its matches name idempotent methods only', () => {
    expect(retryClasses([{ method: { exact: 'GET' } }, { method: { exact: 'DELETE' } }])).toEqual([
      { suffix: '', match: [{ method: { exact: 'GET' } }, { method: { exact: 'DELETE' } }], retryOn: 'idempotent' },
    ]);
  });

  it('narrows a match without a method to the idempotent methods and to keyed calls, then leaves the rest to the safe retries', () => {
    const canary = { headers: { 'x-canary': { exact: 'always' } } };
    expect(retryClasses([canary])).toEqual([
      { suffix: '-idempotent-method', match: [{ ...canary, method: { regex: '^(GET|HEAD|OPTIONS|PUT|DELETE)$' } }], retryOn: 'idempotent' },
      { suffix: '-idempotency-key', match: [{ headers: { 'x-canary': { exact: 'always' }, 'idempotency-key': { regex: '.+' } } }], retryOn: 'idempotent' },
      { suffix: '', match: [canary], retryOn: 'any' },
    ]);
  });

  it('gives a POST match no idempotent-method class, only its keyed calls', () => {
    expect(retryClasses([{ method: { exact: 'POST' } }]).map((retryClass) => retryClass.suffix)).toEqual(['-idempotency-key', '']);
  });
});
