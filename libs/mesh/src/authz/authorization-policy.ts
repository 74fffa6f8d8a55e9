import { z } from 'zod';

/**
 * Who may call what, in the shape of Istio's AuthorizationPolicy (action ALLOW): a workload
 * with a policy denies every request that no rule allows. A rule allows a request when one
 * of its sources names the caller's principal AND one of its operations matches the method
 * and path; a missing `from` or `to` matches anything, as in Istio.
 *
 * Principals are written as Istio writes them: `<trust domain>/ns/<namespace>/sa/<account>`
 * (the SPIFFE ID without `spiffe://`). Paths take Istio's forms: exact `/health`, prefix
 * `/admin/*`, suffix `*\/status`, `*`, and the templates `{*}` (one segment) and `{**}` (any).
 */
export interface AuthorizationPolicy {
  /** The protected workload (rendered as the selector `app: <workload>`). */
  workload: string;
  rules: AuthorizationRule[];
}

export interface AuthorizationRule {
  from?: { source: { principals: string[] } }[];
  to?: { operation: { methods?: string[]; paths?: string[] } }[];
}

const pathPattern = z
  .string()
  .min(1)
  .refine((path) => path === '*' || path.startsWith('/') || path.startsWith('*/'), 'a path starts with "/", "*/" or is "*"');

export const authorizationPolicySchema = z.object({
  workload: z.string().regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'a workload name is a DNS label'),
  rules: z.array(
    z.object({
      from: z.array(z.object({ source: z.object({ principals: z.array(z.string().regex(/^(\*|[^/\s]+\/ns\/[^/\s]+\/sa\/[^/\s]+)$/, 'a principal is "<trust domain>/ns/<ns>/sa/<account>" or "*"')).min(1) }) })).optional(),
      to: z.array(z.object({ operation: z.object({ methods: z.array(z.string().regex(/^[A-Z]+$/, 'methods are upper case')).min(1).optional(), paths: z.array(pathPattern).min(1).optional() }) })).optional(),
    }),
  ),
});

/** Validates policy data, throwing one error that lists every problem. */
export function parseAuthorizationPolicy(data: unknown): AuthorizationPolicy {
  const parsed = authorizationPolicySchema.safeParse(data);
  if (!parsed.success) throw new Error(`invalid authorization policy: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export interface AuthorizationRequest {
  /** The caller's principal from its verified certificate; undefined for a plaintext caller. */
  principal: string | undefined;
  method: string;
  path: string;
}

export type AuthorizationDecision = { allowed: true; rule: number } | { allowed: false; reason: string };

export function authorize(policy: AuthorizationPolicy, request: AuthorizationRequest): AuthorizationDecision {
  const path = request.path.split('?')[0] ?? request.path;
  const method = request.method.toUpperCase();
  const index = policy.rules.findIndex((rule) => sourceMatches(rule, request.principal) && operationMatches(rule, method, path));
  if (index >= 0) return { allowed: true, rule: index };
  const who = request.principal ?? 'an unauthenticated caller';
  return { allowed: false, reason: `no rule of ${policy.workload}'s policy allows ${who} to ${method} ${path}` };
}

function sourceMatches(rule: AuthorizationRule, principal: string | undefined): boolean {
  if (!rule.from) return true;
  if (principal === undefined) return false;
  return rule.from.some(({ source }) => source.principals.some((allowed) => allowed === '*' || allowed === principal));
}

function operationMatches(rule: AuthorizationRule, method: string, path: string): boolean {
  if (!rule.to) return true;
  return rule.to.some(({ operation }) => (!operation.methods || operation.methods.includes(method)) && (!operation.paths || operation.paths.some((pattern) => pathMatches(pattern, path))));
}

/** Istio's path matching: exact, `prefix*`, `*suffix`, `*`, and `{*}` / `{**}` templates. */
export function pathMatches(pattern: string, path: string): boolean {
  if (pattern === '*') return true;
  if (pattern.includes('{*')) return templateToRegExp(pattern).test(path);
  if (pattern.endsWith('*')) return path.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return path.endsWith(pattern.slice(1));
  return pattern === path;
}

function templateToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('/')
    .map((segment) => (segment === '{**}' ? '.+' : segment === '{*}' ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}$`);
}

/** `spiffe://meshmart.local/ns/meshmart/sa/cart-service` → `meshmart.local/ns/meshmart/sa/cart-service`. */
export function principalOf(spiffeId: string): string {
  return spiffeId.startsWith('spiffe://') ? spiffeId.slice('spiffe://'.length) : spiffeId;
}
