import { describe, expect, it } from 'vitest';
import { jitteredBackoffMs } from './jittered-backoff';

describe('jitteredBackoffMs', () => {
  const options = { initialMs: 200, maxMs: 5_000 };

  it('doubles from initialMs, between half and all of the ceiling', () => {
    expect([1, 2, 3, 4].map((attempt) => jitteredBackoffMs(attempt, options, () => 0))).toEqual([100, 200, 400, 800]);
    expect([1, 2, 3, 4].map((attempt) => jitteredBackoffMs(attempt, options, () => 1))).toEqual([200, 400, 800, 1_600]);
  });

  it('never exceeds maxMs, however many failures (no overflow to Infinity)', () => {
    expect(jitteredBackoffMs(20, options, () => 1)).toBe(5_000);
    expect(jitteredBackoffMs(10_000, options, () => 1)).toBe(5_000);
    expect(jitteredBackoffMs(0, options, () => 0)).toBe(100);
  });
});
