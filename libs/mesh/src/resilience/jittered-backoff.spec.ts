import { afterEach, describe, expect, it, vi } from 'vitest';
import { JitteredBackoff, jitteredBackoffMs } from './jittered-backoff';

const randomReturns = (value: number) => vi.spyOn(Math, 'random').mockReturnValue(value);

describe('jitteredBackoffMs', () => {
  const options = { initialMs: 200, maxMs: 5_000 };
  afterEach(() => vi.restoreAllMocks());

  it('doubles from initialMs, between half and all of the ceiling', () => {
    randomReturns(0);
    expect([1, 2, 3, 4].map((attempt) => jitteredBackoffMs(attempt, options))).toEqual([100, 200, 400, 800]);
    randomReturns(0.999_999);
    expect([1, 2, 3, 4].map((attempt) => jitteredBackoffMs(attempt, options))).toEqual([199, 399, 799, 1_599]);
  });

  it('never exceeds maxMs, however many failures (no overflow to Infinity)', () => {
    randomReturns(0.999_999);
    expect(jitteredBackoffMs(20, options)).toBe(4_999);
    expect(jitteredBackoffMs(10_000, options)).toBe(4_999);
    randomReturns(0);
    expect(jitteredBackoffMs(0, options)).toBe(100);
  });
});

describe('JitteredBackoff', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is jitteredBackoffMs counting its own failures, and starts afresh after reset', () => {
    randomReturns(0.5);
    const delays = new JitteredBackoff({ initialMs: 100, maxMs: 2_000 });
    expect(Array.from({ length: 7 }, () => delays.next())).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((attempt) => jitteredBackoffMs(attempt, { initialMs: 100, maxMs: 2_000 })),
    );
    expect(delays.next()).toBe(1_500);
    delays.reset();
    expect(delays.next()).toBe(75);
  });

  it('differs between two waiters that failed together, so they do not retry in lock-step', () => {
    const one = new JitteredBackoff({ initialMs: 100, maxMs: 2_000 });
    const other = new JitteredBackoff({ initialMs: 100, maxMs: 2_000 });
    expect(Array.from({ length: 5 }, () => other.next())).not.toEqual(Array.from({ length: 5 }, () => one.next()));
  });
});
