import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Money, testPaymentTokens } from '@meshmart/contracts';
import { type PaymentProvider, type ProviderAuthorizationDecision, type ProviderAuthorizationRequest, ProviderTimeout } from './payment-provider';

export interface DeterministicPaymentProviderOptions {
  /** How long a `tok_timeout` authorization hangs before giving up. Default 2000 ms. */
  timeoutMs?: number;
}

/**
 * The bundled provider: no network, same answer for the same input, so demos and tests are
 * reproducible. `tok_declined` is declined (`card_declined`); `tok_timeout` never answers and
 * fails with `ProviderTimeout` after `timeoutMs` or as soon as the request's signal aborts; any
 * other token is approved with reference `psp_` + the first 16 hex digits of
 * sha256(idempotency key), as a PSP that deduplicates by that key would answer a retry.
 */
export class DeterministicPaymentProvider implements PaymentProvider {
  private readonly timeoutMs: number;

  constructor(options: DeterministicPaymentProviderOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 2_000;
  }

  async authorize(request: ProviderAuthorizationRequest): Promise<ProviderAuthorizationDecision> {
    if (request.paymentToken === testPaymentTokens.decline) return { outcome: 'declined', reason: 'card_declined' };
    if (request.paymentToken === testPaymentTokens.timeout) {
      await this.hang(request.signal);
      throw new ProviderTimeout(`the payment provider did not answer within ${this.timeoutMs} ms`);
    }
    return { outcome: 'approved', reference: referenceFor(request.idempotencyKey) };
  }

  // The ledger of this provider is the payment table itself: captures, voids and refunds of a
  // reference it issued always succeed; anything else is a bug upstream, said loudly.
  async capture(reference: string, _amount: Money): Promise<void> {
    assertIssued(reference);
  }

  async void(reference: string): Promise<void> {
    assertIssued(reference);
  }

  async refund(reference: string, _amount: Money): Promise<void> {
    assertIssued(reference);
  }

  /** Waits the timeout out, or less if the caller gives up first. */
  private async hang(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return;
    await sleep(this.timeoutMs, undefined, signal ? { signal } : {}).catch((error: unknown) => {
      if (!(error instanceof Error && error.name === 'AbortError')) throw error;
    });
  }
}

/** `psp_` + the first 16 hex digits of sha256(idempotency key). */
export function referenceFor(idempotencyKey: string): string {
  return `psp_${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 16)}`;
}

const ISSUED_REFERENCE = /^psp_[0-9a-f]{16}$/;

function assertIssued(reference: string): void {
  if (!ISSUED_REFERENCE.test(reference)) throw new Error(`the deterministic payment provider never issued reference "${reference}"`);
}
