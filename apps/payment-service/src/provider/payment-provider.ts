import type { Money } from '@meshmart/contracts';
import { MeshError } from '@meshmart/mesh';

/** One authorization asked of the provider. */
export interface ProviderAuthorizationRequest {
  /**
   * The payment's idempotency key, forwarded so the provider deduplicates too: after a crash
   * between its answer and our commit, the retried authorization must not hold the money twice.
   */
  idempotencyKey: string;
  amount: Money;
  /** The card token; handed to the provider only, never stored or logged. */
  paymentToken: string;
  /** Aborts when nobody waits for the answer any more; the provider should stop waiting too. */
  signal?: AbortSignal;
}

/** The provider's answer to an authorization. Silence is not an answer: that is a `ProviderTimeout`. */
export type ProviderAuthorizationDecision = { outcome: 'approved'; reference: string } | { outcome: 'declined'; reason: string };

/**
 * The extension point to a payment service provider (PSP): the bundled
 * `DeterministicPaymentProvider` or a real PSP's adapter, bound through `PAYMENT_PROVIDER`.
 * Captures, voids and refunds take the `reference` the PSP gave the authorization. Every method
 * either does its work or throws; each must be safe to repeat, as the payment service retries
 * after a crash.
 * @example
 * { provide: PAYMENT_PROVIDER, useFactory: () => new AcmePspProvider(apiKey) } // a real PSP
 */
export interface PaymentProvider {
  /** Connects (credentials, HTTP pool…) before the service takes traffic. */
  init?(): Promise<void>;
  /** Releases what `init` took, after the service stopped taking traffic. */
  destroy?(): Promise<void>;
  /** Holds `amount` on the card. Throws `ProviderTimeout` when the PSP does not answer in time. */
  authorize(request: ProviderAuthorizationRequest): Promise<ProviderAuthorizationDecision>;
  /** Takes the held money. */
  capture(reference: string, amount: Money): Promise<void>;
  /** Releases the hold of an authorization that was not captured. */
  void(reference: string): Promise<void>;
  /** Gives captured money back. */
  refund(reference: string, amount: Money): Promise<void>;
}

/** DI token of the `PaymentProvider` the service uses. */
export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');

/**
 * The provider did not answer in time (or the caller stopped waiting). The authorization's
 * fate at the PSP is unknown; the payment is recorded FAILED, and a PSP keyed by the
 * idempotency key lets a retry find out.
 */
export class ProviderTimeout extends MeshError {
  readonly code = 'payment_provider_timeout';
  readonly retryable = true;
  readonly status = 504;
}
