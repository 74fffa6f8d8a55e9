import { describe, expect, it } from 'vitest';
import { LoadRecorder } from './load-recorder';
import { progressLine, summaryTable } from './load-report';

describe('LoadRecorder', () => {
  it('counts requests per operation, errors by what the journey expected, answers by status', () => {
    const recorder = new LoadRecorder();
    for (let i = 1; i <= 100; i++) recorder.request('GET /products', 200, i, true);
    recorder.request('POST /cart/checkout', 201, 50, true);
    recorder.request('POST /cart/checkout', 503, 70, false);
    recorder.request('GET /cart', 0, 30_000, false);
    recorder.checkoutOutcome('CONFIRMED', 200);
    recorder.checkoutOutcome('FAILED payment_declined', 400);
    recorder.checkoutOutcome('sold out');
    recorder.journeyDone();

    const summary = recorder.summary(false);
    expect(summary).toMatchObject({
      journeys: 1,
      requests: 103,
      errors: 2,
      byStatus: { '0': 1, '200': 100, '201': 1, '503': 1 },
      checkoutOutcomes: { CONFIRMED: 1, 'FAILED payment_declined': 1, 'sold out': 1 },
      startLag: undefined,
    });
    expect(summary.errorRate).toBeCloseTo(2 / 103);
    expect(summary.operations['GET /products']).toEqual({ requests: 100, errors: 0, p50Ms: 50, p99Ms: 99 });
    expect(summary.operations['POST /cart/checkout']).toMatchObject({ requests: 2, errors: 1 });
    expect(summary.settle).toEqual({ p50Ms: 200, p99Ms: 400 });
    expect(recorder.errorStatuses()).toEqual({ '0': 1, '503': 1 });
  });

  it('gives each progress window its own figures', () => {
    const recorder = new LoadRecorder();
    recorder.request('a', 200, 10, true);
    recorder.request('a', 500, 20, false);
    expect(recorder.takeWindow()).toMatchObject({ errors: 1, p50Ms: 10, p99Ms: 20 });
    expect(recorder.takeWindow()).toMatchObject({ errors: 0, p50Ms: 0, p99Ms: 0, requestsPerSecond: 0 });
  });

  it('reports the open loop start lag only for an open loop', () => {
    const recorder = new LoadRecorder();
    recorder.startLag(2);
    recorder.startLag(8);
    expect(recorder.summary(true).startLag).toEqual({ p50Ms: 2, p99Ms: 8 });
  });
});

describe('the report', () => {
  it('puts errors by status on the progress line, a no-answer named as such', () => {
    expect(progressLine(12_400, { requestsPerSecond: 80.04, p50Ms: 12.34, p99Ms: 99 }, 37, { '0': 2, '503': 1 })).toBe(
      'load   12s     80.0 req/s  journeys 37  errors no-answer×2 503×1  p50 12.3 ms  p99 99.0 ms',
    );
  });

  it('prints a table per operation and the checkout outcomes', () => {
    const recorder = new LoadRecorder();
    recorder.request('GET /products', 200, 5, true);
    recorder.checkoutOutcome('CONFIRMED', 300);
    const table = summaryTable(recorder.summary(false), 'browse, 1 shoppers (closed loop)');
    expect(table).toContain('| GET /products | ');
    expect(table).toContain('| all           | ');
    expect(table).toContain('answers by status: 200 ×1');
    expect(table).toContain('checkouts: CONFIRMED ×1; checkout → settled (order timestamps) p50 300.0 ms, p99 300.0 ms');
  });
});
