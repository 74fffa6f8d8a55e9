import { describe, expect, it } from 'vitest';
import type { AuthorizationOperation, AuthorizationRule } from './authorization-policy';
import { parseAuthorizationPolicy } from './policy-validation';

const policy = (...rules: AuthorizationRule[]) => ({ workload: 'httpbin', rules });
const withPaths = (...paths: string[]) => policy({ to: [{ operation: { paths } }] });

// Istio's pkg/config/security/security_test.go (TestCheckValidPathTemplate) and
// pkg/config/validation (ValidateAuthorizationPolicy): what its webhook admits and refuses.
describe("parseAuthorizationPolicy, as Istio's admission webhook", () => {
  it.each(['/{*}/foo', '/{*}/foo/', '/foo/{**}/bar', '/foo/bar/{**}', '/foo/{*}', '/{**}', '/info*', '*/status', '*', '*/x*', '/a*b', 'products'])(
    'accepts the path %s',
    (path) => {
      expect(() => parseAuthorizationPolicy(withPaths(path))).not.toThrow();
    },
  );

  it.each([
    '/foo/{**}buzz/bar',
    '/{*}/foo/{}/bar',
    '/foo/{*}/bar/*',
    '/foo/{*}/bar/**/buzz',
    '/foo/{buzz}/bar',
    '/{buzz}',
    '/foo/{buzz}/bar/{**}',
    '/foo/{buzz=*}/bar/{**}',
    '/{*}/foo/{buzz=**}/bar',
    '/{*}/foo/{**}bar',
    '/{*}/foo/{*}.txt',
    '/{*}/foo/{temp',
    '/{*}/foo/temp}/bar',
    '/{*}/foo/temp}/*',
    '/{**}/foo/temp/{*}/bar',
    '/{**}/{**}',
    '/{**}/foo/temp/{**}/bar',
    '/{*}/foo/?abc',
    'foo/{*}',
  ])('refuses the path %s', (path) => {
    expect(() => parseAuthorizationPolicy(withPaths(path))).toThrow(/invalid authorization policy: rules\.0\.to\.0\.operation\.paths/);
  });

  it('takes any non-empty principal and method, `*` and wildcards included', () => {
    const open = policy({
      from: [{ source: { principals: ['*', 'cluster.local/ns/shop/*', '*/sa/cart', 'bare'], notPrincipals: ['x'] } }],
      to: [{ operation: { methods: ['*', 'GET', 'PU*'], notMethods: ['DELETE'] } }],
    });
    expect(parseAuthorizationPolicy(open)).toEqual(open);
  });

  it.each<[string, unknown]>([
    ['an empty `from`', policy({ from: [] })],
    ['an empty `to`', policy({ to: [] })],
    ['an empty source', policy({ from: [{ source: {} }] })],
    ['a source of empty lists', policy({ from: [{ source: { principals: [], namespaces: [] } }] })],
    ['an empty operation', policy({ to: [{ operation: {} as AuthorizationOperation }] })],
    ['an empty principal', policy({ from: [{ source: { principals: [''] } }] })],
    ['an empty notNamespace', policy({ from: [{ source: { notNamespaces: [''] } }] })],
    ['an empty method', policy({ to: [{ operation: { methods: [''] } }] })],
    ['an empty notPath', policy({ to: [{ operation: { notPaths: [''] } }] })],
    ['a DENY without rules', { workload: 'httpbin', action: 'DENY', rules: [] }],
    ['an unknown action', { workload: 'httpbin', action: 'AUDIT', rules: [] }],
    ['a field this model does not carry', policy({ from: [{ source: { ipBlocks: ['1.2.3.4'] } as never }] })],
  ])('refuses %s', (_what, data) => {
    expect(() => parseAuthorizationPolicy(data)).toThrow(/invalid authorization policy/);
  });

  it('reads an ALLOW without rules (allow-nothing) and an empty rule (allow-all) as valid', () => {
    expect(parseAuthorizationPolicy(policy())).toEqual(policy());
    expect(parseAuthorizationPolicy(policy({}))).toEqual(policy({}));
  });

  it('names every problem of a bad policy', () => {
    const bad = {
      workload: 'Inventory',
      rules: [{ from: [{ source: { principals: [''] } }], to: [{ operation: { methods: ['GET'], paths: ['/{**}/{**}'] } }] }],
    };
    expect(() => parseAuthorizationPolicy(bad)).toThrow(/workload: .*principals.0: .*paths: .*not the last operator/s);
  });
});
