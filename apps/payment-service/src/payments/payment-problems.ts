import type { Payment } from '@meshmart/contracts';
import { ProblemException } from '@meshmart/mesh';
import type { PaymentCommandOutcome } from './payments.service';

/**
 * The one place where the payment outcomes that are not a payment become problem documents.
 * The slugs are stable: clients (the order saga) branch on them.
 */
export const paymentProblems = {
  /** 404 `unknown-payment`. */
  unknownPayment: (paymentId: string) => new ProblemException(404, 'unknown-payment', 'unknown payment', `no payment ${paymentId}`, { paymentId }),
  /** 422 `idempotency-key-reused`: the key belongs to another request; a new request needs a new key. */
  idempotencyKeyReused: () =>
    new ProblemException(422, 'idempotency-key-reused', 'idempotency key reused', 'this Idempotency-Key was used for a different payment request; use a new key for a new request'),
  /** 409 `invalid-payment-transition`, naming the payment's current status. */
  invalidTransition: (paymentId: string, status: string, action: string) =>
    new ProblemException(409, 'invalid-payment-transition', 'invalid payment transition', `cannot ${action} payment ${paymentId}: it is ${status}`, { status }),
};

/** The payment of a `done` command outcome; the problem of any other. */
export function paymentOrProblem(paymentId: string, outcome: PaymentCommandOutcome): Payment {
  switch (outcome.kind) {
    case 'done':
      return outcome.payment;
    case 'unknown-payment':
      throw paymentProblems.unknownPayment(paymentId);
    case 'refused':
      throw paymentProblems.invalidTransition(paymentId, outcome.status, outcome.action);
  }
}
