import { describe, expect, it } from 'vitest';
import { percentile } from '../load/percentile';
import { runAtRate, runLoad } from './load';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBe(0);
  });
});

describe('runLoad', () => {
  it('keeps `concurrency` calls in flight and counts failures apart', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    let n = 0;
    const result = await runLoad(
      async () => {
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight -= 1;
        if (++n % 4 === 0) throw new Error('every fourth fails');
      },
      { concurrency: 3, durationMs: 200 },
    );
    expect(maxInFlight).toBe(3);
    expect(result.errors).toBeGreaterThan(0);
    expect(result.requests + result.errors).toBe(n);
    expect(result.p50Ms).toBeGreaterThanOrEqual(4);
    expect(result.requestsPerSecond).toBeGreaterThan(0);
  });
});

describe('runAtRate', () => {
  it('starts calls at the given rate, not faster when answers are quick', async () => {
    let calls = 0;
    const result = await runAtRate(async () => void (calls += 1), { ratePerSecond: 200, durationMs: 250 });
    expect(calls).toBe(50);
    expect(result.durationMs).toBeGreaterThanOrEqual(240);
    expect(result.errors).toBe(0);
  });

  it('counts a start beyond maxInFlight as an error instead of queueing it', async () => {
    const result = await runAtRate(() => new Promise((resolve) => setTimeout(resolve, 100)), { ratePerSecond: 400, durationMs: 100, maxInFlight: 5 });
    expect(result.errors).toBeGreaterThan(0);
    expect(result.requests + result.errors).toBe(40);
  });
});
