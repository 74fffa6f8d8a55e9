import { describe, expect, it } from 'vitest';
import { checkoutChartSvg } from './checkout-chart';
import { type CheckoutStep, findKnee } from './checkout-step';

const step = (shoppers: number, checkoutsPerSecond: number, sagaP99Ms: number, errors = 0): CheckoutStep => ({
  shoppers,
  seconds: 20,
  checkoutsPerSecond,
  confirmed: Math.round(checkoutsPerSecond * 20),
  errors,
  outcomes: { CONFIRMED: Math.round(checkoutsPerSecond * 20) },
  http: { p50Ms: 10, p99Ms: 50 },
  saga: { p50Ms: sagaP99Ms / 2, p99Ms: sagaP99Ms },
  cpuMsPerCheckout: { gateway: 3, postgres: 5 },
  cpuMsPerCheckoutTotal: 8,
  postgresTransactionsPerCheckout: 12,
  postgresStatementsPerCheckout: null,
  kafkaRecordsPerCheckout: 6,
});

describe('findKnee', () => {
  it('is the best throughput with no error and saga p99 within 1 s', () => {
    const steps = [step(1, 5, 300), step(4, 18, 600), step(16, 25, 1_400), step(8, 20, 900, 2)];
    expect(findKnee(steps)?.shoppers).toBe(4);
  });

  it('is none when no step qualifies', () => {
    expect(findKnee([step(1, 5, 1_200), step(2, 7, 300, 1)])).toBeUndefined();
  });
});

describe('checkoutChartSvg', () => {
  it('draws a bar per step, the saga line, the 1 s target and a stacked CPU bar per process', () => {
    const svg = checkoutChartSvg([step(1, 5, 300), step(4, 18, 1_500)], ['gateway', 'postgres']);
    expect(svg.match(/<rect x=/g)).toHaveLength(2 + 2 * 2 + 2);
    expect(svg).toContain('<polyline');
    expect(svg).toContain('1 s target');
    expect(svg).toContain('<title>postgres: 5.0 ms</title>');
  });
});
