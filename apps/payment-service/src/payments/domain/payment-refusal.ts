import type { IdempotencyKeyReused, PaymentStatus } from '@meshmart/contracts';
import type { PaymentAction } from './payment-state-machine';

/**
 * An expected "no" from payment: a typed value, not an exception, so callers must handle it
 * (`isRefusal` from @meshmart/contracts tells it from a value). `src/payment-problems.ts` is the
 * one place that turns each into its problem document.
 */
export type PaymentRefusal =
  | { refusal: 'unknown-payment'; paymentId: string }
  | { refusal: 'invalid-payment-transition'; paymentId: string; status: PaymentStatus; action: PaymentAction }
  | IdempotencyKeyReused;
