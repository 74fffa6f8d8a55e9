import { describe, expect, it } from 'vitest';
import { redactedPayload } from './redacted-payload';

describe('redactedPayload', () => {
  it('redacts secret fields at any depth and secret headers, and keeps the rest', () => {
    const value = Buffer.from(
      JSON.stringify({
        type: 'OrderPlaced',
        data: { orderId: 'o-1', payment: { token: 'tok_visa', card: { Password: 'p' } }, lines: [{ apiKey: 'k', sku: 'A' }] },
      }),
    );
    const { headers, payload } = redactedPayload({ headers: { authorization: 'Bearer abc', 'dlq-reason': 'invalid_payload' }, value });
    expect(headers).toEqual({ authorization: '[Redacted]', 'dlq-reason': 'invalid_payload' });
    expect(JSON.parse(payload)).toEqual({
      type: 'OrderPlaced',
      data: { orderId: 'o-1', payment: { token: '[Redacted]', card: { Password: '[Redacted]' } }, lines: [{ apiKey: '[Redacted]', sku: 'A' }] },
    });
    expect(payload).not.toMatch(/tok_visa|Bearer/);
  });

  it('shows a payload that is not JSON as quoted text, cut short', () => {
    expect(redactedPayload({ headers: {}, value: Buffer.from('not json') }).payload).toBe('(not JSON) "not json"');
    expect(redactedPayload({ headers: {}, value: Buffer.from('x'.repeat(3_000)) }).payload).toMatch(/… \(3000 bytes\)"$/);
    expect(redactedPayload({ headers: {}, value: null }).payload).toBe('(none: a tombstone)');
  });
});
