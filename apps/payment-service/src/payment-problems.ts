import { sharedProblemOf, valueOrThrow } from '@meshmart/contracts';
import { ProblemException } from '@meshmart/mesh';
import type { PaymentRefusal } from './payments/domain/payment-refusal';

/**
 * The one place where payment's refusals become problem documents: the status, the stable slug
 * clients (the order saga) branch on (`https://meshmart.dev/problems/<slug>`) and the extension
 * members. Refusals other services give too are worded by `sharedProblemOf` (@meshmart/contracts).
 */
export function problemOf(refusal: PaymentRefusal): ProblemException {
  switch (refusal.refusal) {
    case 'unknown-payment':
      return new ProblemException(404, 'unknown-payment', 'unknown payment', `no payment ${refusal.paymentId}`, { paymentId: refusal.paymentId });
    case 'invalid-payment-transition':
      // The detail names the payment's status: a `status` member would be the problem's own.
      return new ProblemException(
        409,
        'invalid-payment-transition',
        'invalid payment transition',
        `cannot ${refusal.action} payment ${refusal.paymentId}: it is ${refusal.status}`,
      );
    case 'idempotency-key-reused':
      return ProblemException.of(sharedProblemOf(refusal));
  }
}

/**
 * The value of a call that may refuse, for a controller to answer with; a refusal is thrown as
 * its problem, which the mesh's problem+json filter sends.
 * @example return answerOrThrow(await this.payments.capture(id));
 */
export function answerOrThrow<T extends object>(outcome: T | PaymentRefusal): T {
  return valueOrThrow<T, PaymentRefusal>(outcome, problemOf);
}
