import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { sealPublicHeaders } from './public-request-headers';

describe('sealPublicHeaders', () => {
  it("drops what only the mesh and its proxies may set, keeps the caller's own, and sets the edge's deadline", () => {
    const headers: IncomingHttpHeaders = {
      'x-envoy-expected-rq-timeout-ms': '1',
      'x-envoy-retry-on': '5xx',
      'x-envoy-original-path': '/internal',
      'x-forwarded-client-cert': 'By=spiffe://meshmart.local/ns/meshmart/sa/cart-service',
      'x-istio-attributes': 'x',
      'l5d-dst-override': 'order-service',
      baggage: 'role=admin',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      authorization: 'Bearer t',
      'idempotency-key': 'k-1',
      'content-type': 'application/json',
    };
    sealPublicHeaders(headers, 10_000);
    expect(headers).toEqual({
      'x-envoy-expected-rq-timeout-ms': '10000',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      authorization: 'Bearer t',
      'idempotency-key': 'k-1',
      'content-type': 'application/json',
    });
  });
});
