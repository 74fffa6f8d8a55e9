import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from './gateway-config';

describe('gateway configuration', () => {
  it('needs a way to verify shoppers, and a demo key long enough to resist guessing', () => {
    expect(() => loadGatewayConfig({})).toThrow(/GATEWAY_JWT_SECRET: set GATEWAY_JWT_SECRET \(HS256\) or GATEWAY_JWKS_URL/);
    expect(() => loadGatewayConfig({ GATEWAY_JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
    expect(loadGatewayConfig({ GATEWAY_JWKS_URL: 'https://idp.example/.well-known/jwks.json' })).toMatchObject({
      GATEWAY_RATE_LIMIT: 300,
      GATEWAY_JWT_AUDIENCE: 'meshmart',
    });
  });

  it('names every bad setting', () => {
    expect(() => loadGatewayConfig({ GATEWAY_JWT_SECRET: 'x'.repeat(32), GATEWAY_RATE_LIMIT: '0', GATEWAY_JWKS_URL: 'not a url' })).toThrow(
      /GATEWAY_JWKS_URL: .*GATEWAY_RATE_LIMIT: /,
    );
  });
});
