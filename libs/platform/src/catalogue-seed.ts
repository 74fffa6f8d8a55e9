import type { Product } from '@meshmart/contracts';

/** The demo's catalogue. */
export const demoCatalogue: readonly Product[] = [
  { sku: 'MUG-001', name: 'MeshMart mug', price: { amountMinor: 1_250, currency: 'EUR' }, available: 100 },
  { sku: 'TEE-001', name: 'Sidecar T-shirt', price: { amountMinor: 2_400, currency: 'EUR' }, available: 50 },
  { sku: 'STK-001', name: 'Envoy sticker pack', price: { amountMinor: 399, currency: 'EUR' }, available: 500 },
  { sku: 'BOOK-001', name: 'Sagas in practice', price: { amountMinor: 3_900, currency: 'EUR' }, available: 20 },
];
