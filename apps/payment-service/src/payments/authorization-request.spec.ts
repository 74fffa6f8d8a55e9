import { describe, expect, it } from 'vitest';
import { requestFingerprint, tokenHint } from './authorization-request';

const request = { orderId: '7d0f2b7e-3f7a-4c1e-9a53-2f1f7b3c9e11', amount: { amountMinor: 1_999, currency: 'EUR' }, paymentToken: 'tok_visa' };

describe('requestFingerprint', () => {
  it('is the same for the same request, whatever the field order', () => {
    const reordered = { paymentToken: 'tok_visa', amount: { currency: 'EUR', amountMinor: 1_999 }, orderId: request.orderId };
    expect(requestFingerprint(reordered)).toBe(requestFingerprint(request));
    expect(requestFingerprint(request)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('differs when any field differs', () => {
    const variants = [
      { ...request, orderId: '0b7f0e7a-1111-4c1e-9a53-2f1f7b3c9e11' },
      { ...request, amount: { amountMinor: 2_000, currency: 'EUR' } },
      { ...request, amount: { amountMinor: 1_999, currency: 'USD' } },
      { ...request, paymentToken: 'tok_mastercard' },
    ];
    const fingerprints = new Set([request, ...variants].map(requestFingerprint));
    expect(fingerprints.size).toBe(5);
  });

  it('does not contain the token', () => {
    expect(requestFingerprint(request)).not.toContain('tok_visa');
  });
});

describe('tokenHint', () => {
  it('names the public test tokens and hides any other token', () => {
    expect(['tok_visa', 'tok_declined', 'tok_timeout'].map(tokenHint)).toEqual(['tok_visa', 'tok_declined', 'tok_timeout']);
    expect(tokenHint('tok_4hG7xK2pQ9')).toBe('tok_*');
  });
});
