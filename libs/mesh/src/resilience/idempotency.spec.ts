import { describe, expect, it } from 'vitest';
import { IDEMPOTENCY_KEY_HEADER, isRetryableRequest } from './idempotency';

describe('isRetryableRequest', () => {
  it.each(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'get', 'Delete'])('retries %s, which is idempotent by definition', (method) => {
    expect(isRetryableRequest(method, {})).toBe(true);
  });

  it.each(['POST', 'PATCH'])('retries %s only with an idempotency key', (method) => {
    expect(isRetryableRequest(method, {})).toBe(false);
    expect(isRetryableRequest(method, { [IDEMPOTENCY_KEY_HEADER]: 'order-42' })).toBe(true);
    expect(isRetryableRequest(method, { 'Idempotency-Key': 'order-42' })).toBe(true);
  });

  it('does not take an empty or blank key as a key', () => {
    expect(isRetryableRequest('POST', { 'idempotency-key': '' })).toBe(false);
    expect(isRetryableRequest('POST', { 'idempotency-key': '  ' })).toBe(false);
    expect(isRetryableRequest('POST', { 'idempotency-key': undefined })).toBe(false);
  });

  it('never retries other methods, key or not', () => {
    expect(isRetryableRequest('CONNECT', { 'idempotency-key': 'k' })).toBe(false);
    expect(isRetryableRequest('BREW', { 'idempotency-key': 'k' })).toBe(false);
  });
});
