import { Logger } from '@nestjs/common';
import type { Money, OrderFailureReason, Payment, PricedLine } from '@meshmart/contracts';
import { classifyAnswer, classifyFailure, type MeshClient, MeshError, type UpstreamResponse } from '@meshmart/mesh';
import type { StepOutcome } from './domain/checkout-saga';

/** What the saga knows of an order when it runs a step. */
export interface SagaOrder {
  id: string;
  lines: readonly PricedLine[];
  total: Money;
  paymentToken: string;
  paymentId: string | undefined;
}

/** A problem document's type slug (`…/problems/out-of-stock` → `out-of-stock`). */
function problemSlug(response: UpstreamResponse): string | undefined {
  const type = (response.body as { type?: unknown } | undefined)?.type;
  return typeof type === 'string' ? type.split('/').pop() : undefined;
}

function ok(response: UpstreamResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

/**
 * The saga's calls to inventory and payment, through the mesh, each mapped to a StepOutcome.
 * Every call carries an idempotency key derived from the order and the step, so the mesh may
 * retry it and a re-run step (after a crash or a lost answer) repeats nothing.
 */
export class SagaParticipants {
  private readonly logger = new Logger('CheckoutSaga');

  constructor(private readonly mesh: MeshClient) {}

  reserveStock(order: SagaOrder, ttlSeconds: number): Promise<StepOutcome> {
    const lines = order.lines.map(({ sku, quantity }) => ({ sku, quantity }));
    return this.call('reserve stock', order.id, async () => {
      const response = await this.mesh
        .client('inventory-service')
        .post('/reservations', { body: { orderId: order.id, lines, ttlSeconds }, idempotencyKey: `reserve:${order.id}` });
      if (ok(response)) return { done: true };
      return this.refusal(response, { 'out-of-stock': 'out_of_stock', 'unknown-product': 'unknown_product' });
    });
  }

  authorizePayment(order: SagaOrder): Promise<StepOutcome> {
    return this.call('authorize payment', order.id, async () => {
      const response = await this.mesh.client('payment-service').post<Payment>('/payments', {
        body: { orderId: order.id, amount: order.total, paymentToken: order.paymentToken },
        idempotencyKey: `authorize:${order.id}`,
      });
      if (!ok(response)) return this.refusal(response, {});
      const payment = response.body;
      if (payment.status === 'AUTHORIZED' || payment.status === 'CAPTURED') return { done: true, paymentId: payment.id };
      if (payment.status === 'DECLINED') return { refusal: 'payment_declined', paymentId: payment.id };
      if (payment.status === 'FAILED') return { refusal: 'payment_timeout', paymentId: payment.id };
      return { unavailable: `payment ${payment.id} is still ${payment.status}` };
    });
  }

  commitStock(order: SagaOrder): Promise<StepOutcome> {
    return this.call('commit stock', order.id, async () => {
      const response = await this.mesh.client('inventory-service').post(`/reservations/${order.id}/commit`, { idempotencyKey: `commit:${order.id}` });
      if (ok(response)) return { done: true };
      return this.refusal(response, { 'reservation-released': 'reservation_expired' });
    });
  }

  capturePayment(order: SagaOrder): Promise<StepOutcome> {
    return this.call('capture payment', order.id, async () => {
      if (!order.paymentId) return { unavailable: 'no payment to capture' };
      const response = await this.mesh.client('payment-service').post(`/payments/${order.paymentId}/capture`, { idempotencyKey: `capture:${order.id}` });
      return ok(response) ? { done: true } : this.refusal(response, {});
    });
  }

  /** Releases the stock and voids every payment of the order; each part is safe to repeat. */
  compensate(order: SagaOrder): Promise<StepOutcome> {
    return this.call('compensate', order.id, async () => {
      const release = await this.mesh.client('inventory-service').post(`/reservations/${order.id}/release`, { idempotencyKey: `release:${order.id}` });
      // 404: nothing was reserved. 409 `reservation-committed` cannot happen before commit; if it did, stop and say so.
      if (!ok(release) && release.status !== 404) return this.refusal(release, {});
      const payments = await this.mesh.client('payment-service').get<Payment[]>(`/payments?orderId=${order.id}`);
      if (!ok(payments)) return this.refusal(payments, {});
      for (const payment of payments.body.filter((p) => p.status === 'AUTHORIZED' || p.status === 'PENDING')) {
        const voided = await this.mesh.client('payment-service').post(`/payments/${payment.id}/void`, { idempotencyKey: `void:${payment.id}` });
        if (!ok(voided)) return this.refusal(voided, {});
      }
      return { done: true };
    });
  }

  /**
   * A 4xx the saga knows is a business refusal. Any other answer is judged by the one retry
   * rule (`classifyAnswer`): 408, 425 or 429 is unavailability, tried again later; another 4xx
   * (a bad request, a contract the services disagree on, access denied) would be refused again,
   * so it is a failure (`call` logs it).
   */
  private refusal(response: UpstreamResponse, known: Record<string, OrderFailureReason>): StepOutcome {
    const slug = problemSlug(response);
    const reason = slug ? known[slug] : undefined;
    if (reason) return { refusal: reason };
    const answer = `answered ${response.status}${slug ? ` ${slug}` : ''} (instance ${response.servedBy})`;
    return classifyAnswer(response.status) === 'transient' ? { unavailable: answer } : { failed: answer };
  }

  /**
   * Runs one step's calls; a thrown failure is judged by the one retry rule: transient (the
   * mesh retried what it could; the saga tries the step again later) or poison (a bug, a
   * request refused for good), which a step that may still be abandoned does not retry.
   */
  private async call(step: string, orderId: string, work: () => Promise<StepOutcome>): Promise<StepOutcome> {
    try {
      const outcome = await work();
      if ('failed' in outcome) this.logger.error(`order ${orderId}: ${step} ${outcome.failed}, and asking again cannot mend it`);
      return outcome;
    } catch (error) {
      const message = error instanceof MeshError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
      if (classifyFailure(error) === 'transient') {
        this.logger.warn(`order ${orderId}: ${step} failed, will retry: ${message}`);
        return { unavailable: message };
      }
      this.logger.error(`order ${orderId}: ${step} failed, and retrying cannot mend it: ${message}`);
      return { failed: message };
    }
  }
}
