import type { AuthorizationPolicy } from '@meshmart/mesh';

/**
 * The library's AuthorizationPolicy as Envoy's RBAC filter (what Istio generates from an
 * AuthorizationPolicy): ALLOW, one Envoy policy per rule, principals by SPIFFE URI SAN.
 */
export function rbacFilter(policy: AuthorizationPolicy) {
  const policies: Record<string, unknown> = {};
  policy.rules.forEach((rule, index) => {
    const principals = (rule.from ?? [{ source: { principals: ['*'] } }]).flatMap(({ source }) => source.principals.map(principalMatcher));
    const operations = (rule.to ?? [{ operation: {} }]).map(({ operation }) => {
      const conditions = [
        ...(operation.methods ? [orRules(operation.methods.map((method) => ({ header: { name: ':method', string_match: { exact: method } } })))] : []),
        ...(operation.paths ? [orRules(operation.paths.map((path) => ({ url_path: { path: { safe_regex: { regex: istioPathRegex(path) } } } })))] : []),
      ];
      return conditions.length === 0 ? { any: true } : { and_rules: { rules: conditions } };
    });
    policies[`rule-${index}`] = { permissions: operations, principals };
  });
  return {
    name: 'envoy.filters.http.rbac',
    typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC', rules: { action: 'ALLOW', policies } },
  };
}

function orRules(rules: object[]): object {
  return rules.length === 1 ? (rules[0] as object) : { or_rules: { rules } };
}

/** `*` is any authenticated peer (the listener admits only mesh certificates). */
function principalMatcher(principal: string): object {
  return principal === '*'
    ? { authenticated: { principal_name: { prefix: 'spiffe://' } } }
    : { authenticated: { principal_name: { exact: `spiffe://${principal}` } } };
}

/** Istio's path forms (exact, `prefix*`, `*suffix`, `*`, `{*}`, `{**}`) as one RE2 expression. */
export function istioPathRegex(path: string): string {
  if (path === '*') return '.*';
  if (path.includes('{*')) return `^${path.split('/').map((segment) => (segment === '{**}' ? '.+' : segment === '{*}' ? '[^/]+' : escape(segment))).join('/')}$`;
  if (path.endsWith('*')) return `^${escape(path.slice(0, -1))}.*$`;
  if (path.startsWith('*')) return `^.*${escape(path.slice(1))}$`;
  return `^${escape(path)}$`;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
