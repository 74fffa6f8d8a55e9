import { createHash } from 'node:crypto';
import { type AuthorizePayment, testPaymentTokens } from '@meshmart/contracts';

const publicTestTokens: ReadonlySet<string> = new Set(Object.values(testPaymentTokens));

/**
 * A one-way fingerprint of an authorization request, stored with the payment: a repeat with
 * the same idempotency key must carry the same request, and this tells without keeping the
 * card token. The fields are taken in a fixed order, so their order in the JSON does not matter.
 */
export function requestFingerprint(request: AuthorizePayment): string {
  const canonical = JSON.stringify([request.orderId, request.amount.amountMinor, request.amount.currency, request.paymentToken]);
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * What may be stored about a card token: the name of a documented test token (they are public),
 * else only that it was some other token.
 * @example tokenHint('tok_declined'); // 'tok_declined'
 * @example tokenHint('tok_4hG7…'); // 'tok_*'
 */
export function tokenHint(paymentToken: string): string {
  return publicTestTokens.has(paymentToken) ? paymentToken : 'tok_*';
}
