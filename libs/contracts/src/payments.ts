import { z } from 'zod';
import { moneySchema } from './money';

/**
 * Card tokens of the bundled, deterministic payment provider. Any other `tok_` token is
 * approved too; these three make demos and tests reproducible.
 */
export const testPaymentTokens = {
  approve: 'tok_visa',
  decline: 'tok_declined',
  /** The provider never answers; the payment fails with `provider_timeout`. */
  timeout: 'tok_timeout',
} as const;

export const paymentTokenSchema = z.string().regex(/^tok_[A-Za-z0-9_]{1,60}$/, 'a card token such as tok_visa');

/** `POST /payments` (order-service, with an Idempotency-Key): authorize an amount. */
export const authorizePaymentSchema = z.object({ orderId: z.uuid(), amount: moneySchema, paymentToken: paymentTokenSchema }).strict();
export type AuthorizePayment = z.infer<typeof authorizePaymentSchema>;

export const paymentStatuses = ['PENDING', 'AUTHORIZED', 'DECLINED', 'FAILED', 'CAPTURED', 'VOIDED', 'REFUNDED'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

export const paymentSchema = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  status: z.enum(paymentStatuses),
  amount: moneySchema,
  /** Set when DECLINED or FAILED: `card_declined`, `provider_timeout`. */
  failureReason: z.string().optional(),
  providerReference: z.string().optional(),
});
export type Payment = z.infer<typeof paymentSchema>;
