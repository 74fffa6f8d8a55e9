import { describe, expect, it } from 'vitest';
import { loadPaymentConfig } from './payment-config';

describe('loadPaymentConfig', () => {
  it('defaults the provider timeout to 2 s, also for an empty variable', () => {
    expect(loadPaymentConfig({})).toEqual({ PAYMENT_PROVIDER_TIMEOUT_MS: 2_000 });
    expect(loadPaymentConfig({ PAYMENT_PROVIDER_TIMEOUT_MS: '' })).toEqual({ PAYMENT_PROVIDER_TIMEOUT_MS: 2_000 });
  });

  it('reads the provider timeout in milliseconds', () => {
    expect(loadPaymentConfig({ PAYMENT_PROVIDER_TIMEOUT_MS: '300' })).toEqual({ PAYMENT_PROVIDER_TIMEOUT_MS: 300 });
  });

  it('refuses a timeout that is not a positive integer, naming the variable', () => {
    expect(() => loadPaymentConfig({ PAYMENT_PROVIDER_TIMEOUT_MS: 'soon' })).toThrow(/invalid configuration: PAYMENT_PROVIDER_TIMEOUT_MS: /);
    expect(() => loadPaymentConfig({ PAYMENT_PROVIDER_TIMEOUT_MS: '0' })).toThrow(/PAYMENT_PROVIDER_TIMEOUT_MS/);
  });
});
