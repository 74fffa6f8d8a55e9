import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget';

function grantsUntilRefused(budget: RetryBudget): number {
  let granted = 0;
  while (budget.tryAcquireRetry()) granted++;
  return granted;
}

describe('RetryBudget', () => {
  it('allows the floor of minRetriesPerSecond × window seconds with no traffic at all', () => {
    expect(grantsUntilRefused(new RetryBudget({ now: () => 0 }))).toBe(30);
    expect(grantsUntilRefused(new RetryBudget({ minRetriesPerSecond: 2, windowMs: 1_500, now: () => 0 }))).toBe(3);
  });

  it('adds budgetRatio of a retry per request', () => {
    const budget = new RetryBudget({ budgetRatio: 0.2, minRetriesPerSecond: 0, now: () => 0 });
    for (let i = 0; i < 100; i++) budget.recordRequest();
    expect(grantsUntilRefused(budget)).toBe(20);
    budget.recordRequest();
    expect(budget.tryAcquireRetry()).toBe(false);
    for (let i = 0; i < 4; i++) budget.recordRequest();
    expect(grantsUntilRefused(budget)).toBe(1);
  });

  it('grants the last whole retry despite floating-point error (0.29 × 100 = 29)', () => {
    const budget = new RetryBudget({ budgetRatio: 0.29, minRetriesPerSecond: 0, now: () => 0 });
    for (let i = 0; i < 100; i++) budget.recordRequest();
    expect(grantsUntilRefused(budget)).toBe(29);
  });

  it('interleaved with traffic, never lets retries exceed ratio × requests + floor', () => {
    const budget = new RetryBudget({ budgetRatio: 0.2, minRetriesPerSecond: 1, windowMs: 1_000, now: () => 0 });
    let granted = 0;
    for (let request = 1; request <= 100; request++) {
      budget.recordRequest();
      if (budget.tryAcquireRetry()) granted++;
      if (budget.tryAcquireRetry()) granted++;
      expect(granted).toBeLessThanOrEqual(0.2 * request + 1);
    }
    expect(granted).toBe(21);
  });

  it('forgets requests and retries once they slide out of the window', () => {
    let clock = 0;
    const budget = new RetryBudget({ budgetRatio: 0.5, minRetriesPerSecond: 0, windowMs: 1_000, now: () => clock });
    for (let i = 0; i < 10; i++) budget.recordRequest();
    expect(grantsUntilRefused(budget)).toBe(5);
    clock = 999;
    expect(budget.tryAcquireRetry()).toBe(false);
    clock = 1_000;
    // The requests of the first tenth have left the window, and with them the budget they brought.
    expect(budget.tryAcquireRetry()).toBe(false);
    budget.recordRequest();
    budget.recordRequest();
    expect(grantsUntilRefused(budget)).toBe(1);
  });

  it('slides in tenths: what happened in the newest tenth stays counted', () => {
    let clock = 0;
    const budget = new RetryBudget({ budgetRatio: 1, minRetriesPerSecond: 0, windowMs: 1_000, now: () => clock });
    budget.recordRequest();
    clock = 950;
    budget.recordRequest();
    expect(grantsUntilRefused(budget)).toBe(2);
    clock = 1_050;
    // Only the first request (tenth 0) has left: one request against two retries, still in tenth 9.
    expect(budget.tryAcquireRetry()).toBe(false);
    clock = 1_950;
    // Now tenth 9 has left too, taking the second request and both retries with it.
    budget.recordRequest();
    expect(grantsUntilRefused(budget)).toBe(1);
  });

  it('rejects nonsensical options', () => {
    expect(() => new RetryBudget({ windowMs: 0 })).toThrow(RangeError);
    expect(() => new RetryBudget({ budgetRatio: -0.1 })).toThrow(RangeError);
  });
});
