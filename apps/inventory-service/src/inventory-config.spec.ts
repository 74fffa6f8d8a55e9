import { describe, expect, it } from 'vitest';
import { loadInventoryConfig } from './inventory-config';

describe('loadInventoryConfig', () => {
  it('applies the defaults to unset and empty variables', () => {
    expect(loadInventoryConfig({ INVENTORY_RESERVATION_TTL_SECONDS: '' })).toEqual({
      INVENTORY_RESERVATION_TTL_SECONDS: 900,
      INVENTORY_EXPIRY_SWEEP_MS: 1_000,
    });
  });

  it('reads numbers from the environment', () => {
    expect(loadInventoryConfig({ INVENTORY_RESERVATION_TTL_SECONDS: '60', INVENTORY_EXPIRY_SWEEP_MS: '250' })).toEqual({
      INVENTORY_RESERVATION_TTL_SECONDS: 60,
      INVENTORY_EXPIRY_SWEEP_MS: 250,
    });
  });

  it('refuses bad values, naming every variable at fault', () => {
    expect(() => loadInventoryConfig({ INVENTORY_RESERVATION_TTL_SECONDS: 'soon', INVENTORY_EXPIRY_SWEEP_MS: '0' })).toThrow(
      /^invalid configuration: INVENTORY_RESERVATION_TTL_SECONDS: .*; INVENTORY_EXPIRY_SWEEP_MS: /,
    );
  });
});
