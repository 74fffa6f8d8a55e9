import { randomUUID } from 'node:crypto';
import type { MeshClient } from '@meshmart/mesh';
import { retryRuleCases } from '@meshmart/mesh/testing';
import { describe, expect, it } from 'vitest';
import { sagaBackoffMs } from './saga-backoff';
import { afterStep, startSaga } from './domain/checkout-saga';
import { type SagaOrder, SagaParticipants } from './saga-participants';

const order: SagaOrder = {
  id: randomUUID(),
  lines: [{ sku: 'MUG-001', name: 'Mug', quantity: 1, unitPrice: { amountMinor: 1_250, currency: 'EUR' } }],
  total: { amountMinor: 1_250, currency: 'EUR' },
  paymentToken: 'tok_visa',
  paymentId: undefined,
};

/** Participants whose every call through the mesh throws `error`. */
function participantsThrowing(error: () => unknown): SagaParticipants {
  const failing = async () => {
    throw error();
  };
  const mesh = { client: () => ({ get: failing, post: failing }) } as unknown as MeshClient;
  return new SagaParticipants(mesh);
}

/** Participants whose every call through the mesh is answered `status` with a problem of type `slug`. */
function participantsAnswering(status: number, slug: string): SagaParticipants {
  const answering = async () => ({ status, headers: {}, body: { type: `https://meshmart.dev/problems/${slug}`, status }, servedBy: 'inventory-1' });
  const mesh = { client: () => ({ get: answering, post: answering }) } as unknown as MeshClient;
  return new SagaParticipants(mesh);
}

describe('the saga judges an answer it has no meaning for by the same rule', () => {
  it("a refusal it knows is the order's failure reason", async () => {
    expect(await participantsAnswering(409, 'out-of-stock').reserveStock(order, 60)).toEqual({ refusal: 'out_of_stock' });
  });

  it.each([
    [429, 'too-many-requests'],
    [408, 'request-timeout'],
  ])('%i: tried again later', async (status, slug) => {
    const outcome = await participantsAnswering(status, slug).reserveStock(order, 60);
    expect(outcome).toEqual({ unavailable: `answered ${status} ${slug} (instance inventory-1)` });
    expect(afterStep(startSaga(new Date(), 30_000), outcome, new Date(), sagaBackoffMs)).toMatchObject({ state: { step: 'RESERVE_STOCK', attempts: 1 } });
  });

  it.each([
    [400, 'invalid-request'],
    [403, 'access-denied'],
    [409, 'reservation-conflict'],
    [422, 'idempotency-key-reused'],
  ])('%i: fails the order at once while the step may be abandoned, and is retried past the point of no return', async (status, slug) => {
    const participants = participantsAnswering(status, slug);
    const reserved = await participants.reserveStock(order, 60);
    expect(reserved).toEqual({ failed: `answered ${status} ${slug} (instance inventory-1)` });
    expect(afterStep(startSaga(new Date(), 30_000), reserved, new Date(), sagaBackoffMs)).toEqual({
      state: expect.objectContaining({ step: 'COMPENSATE', failureReason: 'internal_error' }),
    });

    const captured = await participants.capturePayment({ ...order, paymentId: randomUUID() });
    const capturing = { ...startSaga(new Date(), 30_000), step: 'CAPTURE_PAYMENT' as const };
    expect(afterStep(capturing, captured, new Date(), sagaBackoffMs)).toMatchObject({
      state: { step: 'CAPTURE_PAYMENT', attempts: 1 },
      retryAt: expect.any(Date),
    });
  });
});

// The cases the consumers' and the mesh's loops run too (libs/messaging retry-in-place.spec.ts): one rule for all three.
describe('the saga judges a thrown failure by the one retry rule', () => {
  it.each(retryRuleCases)('%s: a step that may be abandoned is retried, or fails the order at once', async (_label, error, retried) => {
    const outcome = await participantsThrowing(error).reserveStock(order, 60);
    expect(outcome).toEqual(retried ? { unavailable: expect.any(String) } : { failed: expect.any(String) });
    const decision = afterStep(startSaga(new Date(), 30_000), outcome, new Date(), sagaBackoffMs);
    if (retried) expect(decision).toMatchObject({ state: { step: 'RESERVE_STOCK', attempts: 1 }, retryAt: expect.any(Date) });
    else expect(decision).toEqual({ state: expect.objectContaining({ step: 'COMPENSATE', failureReason: 'internal_error' }) });
  });

  it.each(retryRuleCases)('%s: a step past the point of no return is retried whatever the failure', async (_label, error) => {
    const outcome = await participantsThrowing(error).capturePayment({ ...order, paymentId: randomUUID() });
    const capturing = { ...startSaga(new Date(), 30_000), step: 'CAPTURE_PAYMENT' as const };
    expect(afterStep(capturing, outcome, new Date(), sagaBackoffMs)).toMatchObject({
      state: { step: 'CAPTURE_PAYMENT', attempts: 1 },
      retryAt: expect.any(Date),
    });
  });
});
