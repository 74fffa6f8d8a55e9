import { describe, expect, it } from 'vitest';
import { fractionalPercent, gatewayDuration, protoDuration } from './policy-units';

describe("a policy's percentages and durations in Envoy's and Gateway API's words", () => {
  it("maps a percentage onto the coarsest FractionalPercent that holds it exactly", () => {
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
