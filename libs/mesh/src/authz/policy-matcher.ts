import type {
  AuthorizationDecision,
  AuthorizationOperation,
  AuthorizationPolicy,
  AuthorizationRequest,
  AuthorizationRule,
  AuthorizationSource,
} from './authorization-policy';
import { normalizeRequestPath, pathForMatching } from './path-normalization';
import { istioStringMatches, quoteRegex } from './string-match';
import { isPathTemplate, uriTemplateRegex } from './uri-template';

/** A request as the policies see it: path normalized and without its query. */
interface MatchedRequest {
  principal: string | undefined;
  method: string;
  path: string;
}

/** One policy alone, as `authorizeWorkload([policy], request)`. */
export function authorize(policy: AuthorizationPolicy, request: AuthorizationRequest): AuthorizationDecision {
  return authorizeWorkload(policy.workload, [policy], request);
}

/**
 * Istio's evaluation of every policy that selects a workload: malformed requests are refused
 * first (400), then any matching DENY rule refuses, then with no ALLOW policy the request
 * passes, and with ALLOW policies one of their rules must match.
 */
export function authorizeWorkload(workload: string, policies: readonly AuthorizationPolicy[], request: AuthorizationRequest): AuthorizationDecision {
  const normalized = normalizeRequestPath(request.path);
  if (!normalized.ok) return { allowed: false, reason: `malformed request: ${normalized.reason}`, malformed: true };
  // Istio's BASE normalization answers 400 to a method that is not upper case.
  if (request.method !== request.method.toUpperCase())
    return { allowed: false, reason: `malformed request: method ${request.method} is not upper case`, malformed: true };
  const matched: MatchedRequest = { principal: request.principal, method: request.method, path: pathForMatching(normalized.path) };
  const who = request.principal ?? 'an unauthenticated caller';
  for (const policy of policies.filter((p) => p.action === 'DENY')) {
    const rule = policy.rules.findIndex((r) => ruleMatches(r, matched));
    if (rule >= 0) return { allowed: false, reason: `rule ${rule} of ${policy.workload}'s DENY policy refuses ${who} to ${matched.method} ${matched.path}` };
  }
  const allowPolicies = policies.filter((p) => p.action !== 'DENY');
  if (allowPolicies.length === 0) return { allowed: true };
  for (const policy of allowPolicies) {
    const rule = policy.rules.findIndex((r) => ruleMatches(r, matched));
    if (rule >= 0) return { allowed: true, rule };
  }
  return { allowed: false, reason: `no rule of ${workload}'s policy allows ${who} to ${matched.method} ${matched.path}` };
}

function ruleMatches(rule: AuthorizationRule, request: MatchedRequest): boolean {
  const fromMatches = !rule.from || rule.from.some(({ source }) => sourceMatches(source, request.principal));
  return fromMatches && (!rule.to || rule.to.some(({ operation }) => operationMatches(operation, request)));
}

/** Every field given must match (a `not*` field must not); an empty list is not given. */
function fieldMatches(values: readonly string[] | undefined, notValues: readonly string[] | undefined, matches: (value: string) => boolean): boolean {
  if (values?.length && !values.some(matches)) return false;
  return !notValues?.length || !notValues.some(matches);
}

function sourceMatches(source: AuthorizationSource, principal: string | undefined): boolean {
  // A plaintext caller has no principal: no principal or namespace value matches it, so only
  // `not*` fields can (Envoy's `authenticated` matcher is false without TLS).
  const principalIs = (pattern: string) => principal !== undefined && istioStringMatches(pattern, principal);
  const namespaceIs = (pattern: string) => principal !== undefined && compiled(pattern, namespaceRegex).test(`spiffe://${principal}`);
  return fieldMatches(source.principals, source.notPrincipals, principalIs) && fieldMatches(source.namespaces, source.notNamespaces, namespaceIs);
}

function operationMatches(operation: AuthorizationOperation, request: MatchedRequest): boolean {
  return (
    fieldMatches(operation.methods, operation.notMethods, (pattern) => istioStringMatches(pattern, request.method)) &&
    fieldMatches(operation.paths, operation.notPaths, (pattern) => pathMatches(pattern, request.path))
  );
}

/** Istio's path matching on a normalized path: a template as Envoy's uri_template, else exact / prefix / suffix / presence. */
export function pathMatches(pattern: string, path: string): boolean {
  return isPathTemplate(pattern) ? compiled(pattern, uriTemplateRegex).test(path) : istioStringMatches(pattern, path);
}

/** Patterns come from a workload's few static policies: each is compiled once. */
const expressions = new Map<string, RegExp>();
function compiled(pattern: string, compile: (pattern: string) => RegExp): RegExp {
  const key = `${compile.name}:${pattern}`;
  let expression = expressions.get(key);
  if (!expression) expressions.set(key, (expression = compile(pattern)));
  return expression;
}

/**
 * Istio matches a namespace on the principal: `.*\/ns/<namespace>/.*`, every `*` in the value
 * as `.*` (pilot's srcNamespaceGenerator), so `prod-*`, `*-test` and `*` work as elsewhere.
 */
export function namespaceRegexSource(pattern: string): string {
  return `.*/ns/${pattern.split('*').map(quoteRegex).join('.*')}/.*`;
}

function namespaceRegex(pattern: string): RegExp {
  return new RegExp(`^(?:${namespaceRegexSource(pattern)})$`);
}
