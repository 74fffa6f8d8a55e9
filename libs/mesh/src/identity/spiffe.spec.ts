import { describe, expect, it } from 'vitest';
import { InvalidWorkloadIdentity } from './identity-errors';
import { parseSpiffeId, spiffeId } from './spiffe';

describe('spiffeId', () => {
  it('formats ns/<namespace>/sa/<service account> in the meshmart.local trust domain by default', () => {
    expect(spiffeId({ namespace: 'meshmart', serviceAccount: 'inventory-service' })).toBe('spiffe://meshmart.local/ns/meshmart/sa/inventory-service');
    expect(spiffeId({ trustDomain: 'prod.example.com', namespace: 'shop', serviceAccount: 'cart' })).toBe('spiffe://prod.example.com/ns/shop/sa/cart');
  });

  it.each([
    { namespace: 'Meshmart', serviceAccount: 'cart' },
    { namespace: 'meshmart', serviceAccount: 'cart/../../admin' },
    { namespace: '', serviceAccount: 'cart' },
    { namespace: 'meshmart', serviceAccount: '-cart' },
    { namespace: 'meshmart', serviceAccount: 'a'.repeat(64) },
    { trustDomain: 'Mesh.Local', namespace: 'meshmart', serviceAccount: 'cart' },
    { trustDomain: 'mesh..local', namespace: 'meshmart', serviceAccount: 'cart' },
    { trustDomain: 'mesh:8080', namespace: 'meshmart', serviceAccount: 'cart' },
  ])('refuses parts that are not a clean trust domain or DNS label: %o', (parts) => {
    expect(() => spiffeId(parts)).toThrow(InvalidWorkloadIdentity);
  });
});

describe('parseSpiffeId', () => {
  it('takes a valid ID apart, and round-trips with spiffeId', () => {
    const parts = { trustDomain: 'meshmart.local', namespace: 'meshmart', serviceAccount: 'payment-service' };
    expect(parseSpiffeId('spiffe://meshmart.local/ns/meshmart/sa/payment-service')).toEqual(parts);
    expect(parseSpiffeId(spiffeId(parts))).toEqual(parts);
    expect(parseSpiffeId('spiffe://a_b-c.d/ns/x/sa/y0')).toEqual({ trustDomain: 'a_b-c.d', namespace: 'x', serviceAccount: 'y0' });
  });

  it.each([
    '',
    'https://meshmart.local/ns/meshmart/sa/cart',
    'SPIFFE://meshmart.local/ns/meshmart/sa/cart',
    'spiffe://MeshMart.local/ns/meshmart/sa/cart',
    'spiffe://meshmart.local:443/ns/meshmart/sa/cart',
    'spiffe://user@meshmart.local/ns/meshmart/sa/cart',
    'spiffe://meshmart.local/ns/meshmart/sa/cart/',
    'spiffe://meshmart.local/ns/meshmart/sa/cart?x=1',
    'spiffe://meshmart.local/ns/meshmart/sa/cart#frag',
    'spiffe://meshmart.local/ns/meshmart/sa/',
    'spiffe://meshmart.local/ns//sa/cart',
    'spiffe://meshmart.local/ns/meshmart/sa/cart/extra',
    'spiffe://meshmart.local/namespace/meshmart/sa/cart',
    'spiffe://meshmart.local/ns/meshmart/sa/Cart',
    'spiffe://meshmart.local/ns/meshmart/sa/ca%72t',
    'spiffe:///ns/meshmart/sa/cart',
    ' spiffe://meshmart.local/ns/meshmart/sa/cart',
    'spiffe://meshmart.local/ns/meshmart/sa/cart\n',
  ])('rejects %j', (uri) => {
    expect(parseSpiffeId(uri)).toBeUndefined();
  });

  it('rejects an absurdly long ID without scanning it', () => {
    expect(parseSpiffeId(`spiffe://meshmart.local/ns/meshmart/sa/${'a'.repeat(5_000)}`)).toBeUndefined();
  });
});
