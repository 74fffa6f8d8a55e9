import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { testPaymentTokens } from '@meshmart/contracts';
import { DeterministicPaymentProvider } from './deterministic-payment-provider';
import { ProviderTimeout } from './payment-provider';

const amount = { amountMinor: 1_999, currency: 'EUR' };
const request = (paymentToken: string, idempotencyKey = 'checkout-42') => ({ idempotencyKey, amount, paymentToken });

describe('DeterministicPaymentProvider', () => {
  const provider = new DeterministicPaymentProvider({ timeoutMs: 30 });

  it('approves tok_visa with psp_ + the first 16 hex digits of sha256(idempotency key)', async () => {
    const expected = `psp_${createHash('sha256').update('checkout-42').digest('hex').slice(0, 16)}`;
    expect(await provider.authorize(request(testPaymentTokens.approve))).toEqual({ outcome: 'approved', reference: expected });
    expect(expected).toMatch(/^psp_[0-9a-f]{16}$/);
  });

  it('answers the same key with the same reference, another key with another one', async () => {
    const first = await provider.authorize(request(testPaymentTokens.approve, 'key-a'));
    const again = await new DeterministicPaymentProvider().authorize(request(testPaymentTokens.approve, 'key-a'));
    const other = await provider.authorize(request(testPaymentTokens.approve, 'key-b'));
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });

  it('approves any other tok_ token', async () => {
    expect(await provider.authorize(request('tok_mastercard_debit'))).toMatchObject({ outcome: 'approved' });
  });

  it('declines tok_declined with card_declined', async () => {
    expect(await provider.authorize(request(testPaymentTokens.decline))).toEqual({ outcome: 'declined', reason: 'card_declined' });
  });

  it('lets tok_timeout hang for the configured time, then throws ProviderTimeout', async () => {
    const started = performance.now();
    const attempt = provider.authorize(request(testPaymentTokens.timeout));
    await expect(attempt).rejects.toBeInstanceOf(ProviderTimeout);
    await expect(attempt).rejects.toMatchObject({ code: 'payment_provider_timeout', retryable: true });
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('stops waiting as soon as the request signal aborts', async () => {
    const slow = new DeterministicPaymentProvider({ timeoutMs: 60_000 });
    const controller = new AbortController();
    const started = performance.now();
    const attempt = slow.authorize({ ...request(testPaymentTokens.timeout), signal: controller.signal });
    setTimeout(() => controller.abort(new Error('the caller went away')), 20);
    await expect(attempt).rejects.toBeInstanceOf(ProviderTimeout);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('gives up at once on a signal that already aborted', async () => {
    const slow = new DeterministicPaymentProvider({ timeoutMs: 60_000 });
    await expect(slow.authorize({ ...request(testPaymentTokens.timeout), signal: AbortSignal.abort() })).rejects.toBeInstanceOf(ProviderTimeout);
  });

  it('defaults to a 2 s timeout', async () => {
    const started = performance.now();
    const controller = new AbortController();
    const attempt = new DeterministicPaymentProvider().authorize({ ...request(testPaymentTokens.timeout), signal: controller.signal });
    // Still hanging well after the 30 ms of the other provider: it waits for its own 2 s.
    const early = await Promise.race([
      attempt.then(
        () => 'answered',
        () => 'failed',
      ),
      new Promise((resolve) => setTimeout(() => resolve('hanging'), 100)),
    ]);
    controller.abort();
    await expect(attempt).rejects.toBeInstanceOf(ProviderTimeout);
    expect(early).toBe('hanging');
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('captures, voids and refunds an approved reference', async () => {
    const decision = await provider.authorize(request(testPaymentTokens.approve));
    if (decision.outcome !== 'approved') throw new Error('expected an approval');
    await expect(provider.capture(decision.reference, amount)).resolves.toBeUndefined();
    await expect(provider.refund(decision.reference, amount)).resolves.toBeUndefined();
    await expect(provider.void(decision.reference)).resolves.toBeUndefined();
  });

  it('refuses a reference it never issued', async () => {
    await expect(provider.capture('ch_somewhere_else', amount)).rejects.toThrow(/never issued/);
    await expect(provider.void('psp_nothex')).rejects.toThrow(/never issued/);
    await expect(provider.refund('', amount)).rejects.toThrow(/never issued/);
  });
});
