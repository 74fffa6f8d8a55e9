import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeadlineExceeded } from '../errors/mesh-error';
import { DEADLINE_HEADER, Deadline, MAX_DEADLINE_MS } from './deadline';

describe('Deadline', () => {
  let clock = 1_000;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000;
  });

  it('counts down the remaining budget and expires at the instant, never below zero', () => {
    const deadline = Deadline.after(250, now);
    expect(deadline.atMs).toBe(1_250);
    clock = 1_249;
    expect([deadline.remainingMs(), deadline.expired()]).toEqual([1, false]);
    clock = 1_250;
    expect([deadline.remainingMs(), deadline.expired()]).toEqual([0, true]);
    clock = 9_999;
    expect(deadline.remainingMs()).toBe(0);
  });

  it('treats a negative or NaN budget as already expired and caps a huge one', () => {
    expect(Deadline.after(-5, now).expired()).toBe(true);
    expect(Deadline.after(Number.NaN, now).expired()).toBe(true);
    expect(Deadline.after(Number.POSITIVE_INFINITY, now).remainingMs()).toBe(MAX_DEADLINE_MS);
  });

  it('reads the remaining budget from the Envoy header, whatever the case of its name', () => {
    expect(DEADLINE_HEADER).toBe('x-envoy-expected-rq-timeout-ms');
    expect(Deadline.fromHeaders({ 'x-envoy-expected-rq-timeout-ms': '300' }, now)?.atMs).toBe(1_300);
    expect(Deadline.fromHeaders({ 'X-Envoy-Expected-Rq-Timeout-Ms': ' 42 ' }, now)?.remainingMs()).toBe(42);
    expect(Deadline.fromHeaders({ [DEADLINE_HEADER]: ['70', '900'] }, now)?.remainingMs()).toBe(70);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['text', 'soon'],
    ['negative', '-5'],
    ['fraction', '1.5'],
    ['zero, which Envoy never sends', '0'],
    ['too large for a timer', '9999999999'],
    ['a number with units', '100ms'],
  ])('ignores a %s header', (_label, value) => {
    expect(Deadline.fromHeaders({ [DEADLINE_HEADER]: value }, now)).toBeUndefined();
  });

  it('writes the remaining whole milliseconds, and never 0, which would mean "no timeout"', () => {
    const deadline = Deadline.after(500, now);
    clock = 1_100.7;
    expect(deadline.toHeaders()).toEqual({ [DEADLINE_HEADER]: '399' });
    clock = 5_000;
    expect(deadline.toHeaders()).toEqual({ [DEADLINE_HEADER]: '1' });
  });

  it('round-trips through headers with the budget that was left', () => {
    const outbound = Deadline.after(800, now);
    clock = 1_300;
    const inbound = Deadline.fromHeaders(outbound.toHeaders(), now);
    expect(inbound?.atMs).toBe(1_800);
  });

  it('caps to a shorter budget but never extends one', () => {
    const deadline = Deadline.after(1_000, now);
    expect(deadline.capTo(200).atMs).toBe(1_200);
    expect(deadline.capTo(5_000)).toBe(deadline);
  });

  describe('signal', () => {
    beforeEach(() => {
      vi.useFakeTimers({ now: 0 });
    });
    afterEach(() => {
      vi.useRealTimers();
    });

    it('aborts exactly at the deadline with DeadlineExceeded as the reason', () => {
      const signal = Deadline.after(100).signal();
      vi.advanceTimersByTime(99);
      expect(signal.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(signal.aborted).toBe(true);
      expect(signal.reason).toBeInstanceOf(DeadlineExceeded);
    });

    it('is already aborted for an expired deadline, and is the same signal on every call', () => {
      const deadline = Deadline.after(0);
      expect(deadline.signal().aborted).toBe(true);
      expect(deadline.signal()).toBe(deadline.signal());
    });
  });
});
