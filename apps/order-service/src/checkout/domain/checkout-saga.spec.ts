import { describe, expect, it, vi } from 'vitest';
import { sagaBackoffMs as backoffMs } from '../saga-backoff';
import { afterStep, beforeStep, type SagaState, startSaga } from './checkout-saga';

const t0 = new Date('2026-11-25T10:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const paymentId = '5b0c5f8e-1f7a-4d2b-9a53-0c6f0e1d2a3b';

function run(state: SagaState, ...outcomes: Parameters<typeof afterStep>[1][]) {
  const statuses: string[] = [];
  for (const outcome of outcomes) {
    const decision = afterStep(beforeStep(state, t0), outcome, t0, backoffMs);
    if (decision.orderStatus) statuses.push(decision.orderStatus);
    state = decision.state;
  }
  return { state, statuses };
}

describe('the checkout saga', () => {
  it('reserves, authorizes, commits and captures, moving the order to CONFIRMED', () => {
    const { state, statuses } = run(startSaga(t0, 30_000), { done: true }, { done: true, paymentId }, { done: true }, { done: true });
    expect(state).toMatchObject({ step: 'DONE', paymentId, failureReason: undefined });
    expect(statuses).toEqual(['RESERVED', 'PAID', 'CONFIRMED']);
  });

  it('compensates a declined payment and fails the order with the reason', () => {
    const { state, statuses } = run(startSaga(t0, 30_000), { done: true }, { refusal: 'payment_declined', paymentId }, { done: true });
    expect(state).toMatchObject({ step: 'DONE', failureReason: 'payment_declined', paymentId });
    expect(statuses).toEqual(['RESERVED', 'FAILED']);
  });

  it('fails an order without stock after a compensation that has nothing to undo', () => {
    const { state, statuses } = run(startSaga(t0, 30_000), { refusal: 'out_of_stock' }, { done: true });
    expect(state).toMatchObject({ step: 'DONE', failureReason: 'out_of_stock' });
    expect(statuses).toEqual(['FAILED']);
  });

  it('compensates when the reservation expired before it was committed', () => {
    const { state } = run(startSaga(t0, 30_000), { done: true }, { done: true, paymentId }, { refusal: 'reservation_expired' });
    expect(state).toMatchObject({ step: 'COMPENSATE', failureReason: 'reservation_expired', paymentId });
  });

  it('retries an unavailable participant with growing back-off, keeping the step', () => {
    const first = afterStep(startSaga(t0, 30_000), { unavailable: 'connect refused' }, t0, backoffMs);
    expect(first.state).toMatchObject({ step: 'RESERVE_STOCK', attempts: 1 });
    expect(first.orderStatus).toBeUndefined();
    const third = afterStep({ ...first.state, attempts: 2 }, { unavailable: 'x' }, t0, backoffMs);
    expect((third.retryAt?.getTime() ?? 0) - t0.getTime()).toBeGreaterThanOrEqual(400);
    const random = vi.spyOn(Math, 'random');
    try {
      random.mockReturnValue(0.999_999);
      expect(backoffMs(20)).toBe(4_999);
      random.mockReturnValue(0);
      expect(backoffMs(1)).toBe(100);
    } finally {
      random.mockRestore();
    }
  });

  it('abandons forward steps past the deadline, but never once stock is committed', () => {
    const stuck = { ...startSaga(t0, 1_000), step: 'AUTHORIZE_PAYMENT' as const };
    expect(beforeStep(stuck, at(999)).step).toBe('AUTHORIZE_PAYMENT');
    expect(beforeStep(stuck, at(1_000))).toMatchObject({ step: 'COMPENSATE', failureReason: 'saga_timeout', attempts: 0 });
    const committed = { ...stuck, step: 'CAPTURE_PAYMENT' as const };
    expect(beforeStep(committed, at(60_000)).step).toBe('CAPTURE_PAYMENT');
  });

  it('fails the order (internal_error) when a step that may be abandoned fails for good, compensating first', () => {
    const { state, statuses } = run(startSaga(t0, 30_000), { done: true }, { failed: 'TypeError: a bug' }, { done: true });
    expect(state).toMatchObject({ step: 'DONE', failureReason: 'internal_error' });
    expect(statuses).toEqual(['RESERVED', 'FAILED']);
  });

  it('retries a step past the point of no return even when it failed for good: stock and money must settle', () => {
    const committing = { ...startSaga(t0, 30_000), step: 'COMMIT_STOCK' as const, paymentId };
    const decision = afterStep(committing, { failed: 'TypeError: a bug' }, t0, backoffMs);
    expect(decision.state).toMatchObject({ step: 'COMMIT_STOCK', attempts: 1, failureReason: undefined });
    expect(decision.retryAt?.getTime()).toBeGreaterThan(t0.getTime());
    const compensating = { ...committing, step: 'COMPENSATE' as const, failureReason: 'payment_declined' as const };
    expect(afterStep(compensating, { failed: 'x' }, t0, backoffMs).state).toMatchObject({ step: 'COMPENSATE', attempts: 1 });
  });

  it('treats a refusal of a step that cannot refuse as a bug', () => {
    const capturing = { ...startSaga(t0, 1_000), step: 'CAPTURE_PAYMENT' as const };
    expect(() => afterStep(capturing, { refusal: 'payment_declined' }, t0, backoffMs)).toThrow('cannot be refused');
  });
});
