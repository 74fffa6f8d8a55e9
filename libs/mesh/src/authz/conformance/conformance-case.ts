import type { AuthorizationPolicy, AuthorizationRule } from '../authorization-policy';

/**
 * One line of the authorization conformance table: policies, a request, what Istio's sidecar
 * does with it (`reject` is its 400 for a malformed request), and where that is stated.
 */
export interface ConformanceCase {
  name: string;
  /** The Istio doc or test, or the Envoy test, that states the expected outcome. */
  source: string;
  policies: AuthorizationPolicy[];
  request: { principal: string | undefined; method: string; path: string };
  expected: 'allow' | 'deny' | 'reject';
}

export const WORKLOAD = 'httpbin';
export const SLEEP = 'cluster.local/ns/default/sa/sleep';
export const CART = 'cluster.local/ns/shop/sa/cart';
export const ADMIN = 'cluster.local/ns/ops/sa/admin';

export const allowPolicy = (...rules: AuthorizationRule[]): AuthorizationPolicy => ({ workload: WORKLOAD, action: 'ALLOW', rules });
export const denyPolicy = (...rules: AuthorizationRule[]): AuthorizationPolicy => ({ workload: WORKLOAD, action: 'DENY', rules });

type Expectation = [path: string, expected: ConformanceCase['expected']];

/** Cases of one ALLOW `paths` pattern (any caller, GET) against several request paths. */
export function pathCases(source: string, pattern: string, expectations: Expectation[], field: 'paths' | 'notPaths' = 'paths'): ConformanceCase[] {
  return expectations.map(([path, expected]) => ({
    name: `${field} ${pattern}: ${path}`,
    source,
    policies: [allowPolicy({ to: [{ operation: { [field]: [pattern] } }] })],
    request: { principal: CART, method: 'GET', path },
    expected,
  }));
}

/** Cases of one policy set against several requests. */
export function requestCases(
  source: string,
  label: string,
  policies: AuthorizationPolicy[],
  requests: [principal: string | undefined, method: string, path: string, expected: ConformanceCase['expected']][],
): ConformanceCase[] {
  return requests.map(([principal, method, path, expected]) => ({
    name: `${label}: ${principal ?? 'plaintext'} ${method} ${path}`,
    source,
    policies,
    request: { principal, method, path },
    expected,
  }));
}
