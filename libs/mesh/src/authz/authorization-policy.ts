/**
 * Who may call what, in the shape of Istio's AuthorizationPolicy (security.istio.io/v1) for
 * the fields a mesh workload needs: ALLOW or DENY, `from.source` principals / namespaces and
 * their `not*` forms, `to.operation` methods / paths and their `not*` forms. The semantics are
 * Istio's, reference and tests (see policy-matcher.ts, path-normalization.ts, uri-template.ts):
 *
 * - a DENY policy that matches refuses the request; else, with no ALLOW policy the request
 *   passes, with one it passes only when some rule allows it (an ALLOW with no rules denies all);
 * - a rule matches when one of its `from` AND one of its `to` match (a missing list matches
 *   anything); inside a source or operation every field given must match, a `not*` field
 *   must not; an empty list counts as not given, as in the proto;
 * - every string is exact, `prefix*`, `*suffix` or `*` (any non-empty value), principals are
 *   `<trust domain>/ns/<namespace>/sa/<account>` (the SPIFFE ID without `spiffe://`) and
 *   match only an mTLS caller; paths also take `{*}` (one segment) and `{**}` (any rest) as
 *   whole segments, and are matched after Istio's default normalization, without the query.
 */
export interface AuthorizationPolicy {
  /** The protected workload (rendered as the selector `app: <workload>`). */
  workload: string;
  /** ALLOW when absent, as Istio defaults it. */
  action?: AuthorizationAction;
  rules: AuthorizationRule[];
}

export type AuthorizationAction = 'ALLOW' | 'DENY';

export interface AuthorizationRule {
  from?: { source: AuthorizationSource }[];
  to?: { operation: AuthorizationOperation }[];
}

export interface AuthorizationSource {
  principals?: string[];
  notPrincipals?: string[];
  namespaces?: string[];
  notNamespaces?: string[];
}

export interface AuthorizationOperation {
  methods?: string[];
  notMethods?: string[];
  paths?: string[];
  notPaths?: string[];
}

export interface AuthorizationRequest {
  /** The caller's principal from its verified certificate; undefined for a plaintext caller. */
  principal: string | undefined;
  method: string;
  /** The request target as received (path and query), before normalization. */
  path: string;
}

/**
 * Allowed (naming the ALLOW rule that did it, when one did) or not: `malformed` when Istio
 * would answer 400 before any policy (a `%00` in the path, a method not in upper case).
 */
export type AuthorizationDecision = { allowed: true; rule?: number } | { allowed: false; reason: string; malformed?: true };

/** `spiffe://meshmart.local/ns/meshmart/sa/cart-service` → `meshmart.local/ns/meshmart/sa/cart-service`. */
export function principalOf(spiffeId: string): string {
  return spiffeId.startsWith('spiffe://') ? spiffeId.slice('spiffe://'.length) : spiffeId;
}
