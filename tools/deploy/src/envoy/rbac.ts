import {
  type AuthorizationOperation,
  type AuthorizationPolicy,
  type AuthorizationSource,
  envoyPathTemplate,
  isPathTemplate,
  namespaceRegexSource,
  quoteRegex,
  stringMatchKind,
} from '@meshmart/mesh/tools';

/**
 * The library's AuthorizationPolicies as the Envoy RBAC filters Istio generates from them
 * (pilot/pkg/security/authz/model): the DENY policies in one filter ahead of the ALLOW ones in
 * another, one Envoy policy per rule; per `to` an AND of the operation's fields, per `from`
 * an AND of the source's, each field an OR of its values and a `not*` field its negation;
 * principals by SPIFFE URI SAN. No policy at all renders no filter (allow), an ALLOW policy
 * with no rules an ALLOW filter with no policies (deny all), as Istio does.
 */
export function rbacFilters(policies: readonly AuthorizationPolicy[]) {
  const deny = policies.filter((policy) => policy.action === 'DENY');
  const allow = policies.filter((policy) => policy.action !== 'DENY');
  return [...(deny.length > 0 ? [rbacFilter('DENY', deny)] : []), ...(allow.length > 0 ? [rbacFilter('ALLOW', allow)] : [])];
}

function rbacFilter(action: 'ALLOW' | 'DENY', policies: readonly AuthorizationPolicy[]) {
  const rules: Record<string, unknown> = {};
  policies.forEach((policy, p) => {
    policy.rules.forEach((rule, r) => {
      const name = policies.length === 1 ? `rule-${r}` : `policy-${p}-rule-${r}`;
      rules[name] = {
        permissions: (rule.to ?? [{ operation: {} }]).map(({ operation }) => permissionOf(operation)),
        principals: (rule.from ?? [{ source: {} }]).map(({ source }) => principalOf(source)),
      };
    });
  });
  return {
    name: 'envoy.filters.http.rbac',
    typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC', rules: { action, policies: rules } },
  };
}

function permissionOf(operation: AuthorizationOperation): object {
  const conditions = [
    ...field(operation.methods, operation.notMethods, methodMatcher, 'or_rules', 'not_rule'),
    ...field(operation.paths, operation.notPaths, pathMatcher, 'or_rules', 'not_rule'),
  ];
  return all(conditions, 'and_rules');
}

function principalOf(source: AuthorizationSource): object {
  const conditions = [
    ...field(source.principals, source.notPrincipals, principalMatcher, 'or_ids', 'not_id'),
    ...field(source.namespaces, source.notNamespaces, namespaceMatcher, 'or_ids', 'not_id'),
  ];
  return all(conditions, 'and_ids');
}

/** One field: an OR of its values, and NOT(an OR of its `not*` values); empty lists are not given. */
function field(
  values: readonly string[] | undefined,
  notValues: readonly string[] | undefined,
  matcher: (value: string) => object,
  or: 'or_rules' | 'or_ids',
  not: 'not_rule' | 'not_id',
): object[] {
  const some = (list: readonly string[]) =>
    list.length === 1 ? matcher(list[0] as string) : { [or]: { [or === 'or_rules' ? 'rules' : 'ids']: list.map(matcher) } };
  return [...(values?.length ? [some(values)] : []), ...(notValues?.length ? [{ [not]: some(notValues) }] : [])];
}

function all(conditions: object[], and: 'and_rules' | 'and_ids'): object {
  if (conditions.length === 0) return { any: true };
  return conditions.length === 1 ? (conditions[0] as object) : { [and]: { [and === 'and_rules' ? 'rules' : 'ids']: conditions } };
}

/** Istio's StringMatcher for a value, `*` being presence (`.+`, never an empty prefix). */
function stringMatcher(value: string, prefix = ''): object {
  const match = stringMatchKind(value);
  switch (match.kind) {
    case 'presence':
      return { safe_regex: { regex: '.+' } };
    case 'suffix':
      return prefix === '' ? { suffix: match.suffix } : { safe_regex: { regex: `${quoteRegex(prefix)}.*${quoteRegex(match.suffix)}` } };
    case 'prefix':
      return { prefix: prefix + match.prefix };
    case 'exact':
      return { exact: prefix + match.exact };
  }
}

function methodMatcher(method: string): object {
  return method === '*' ? { header: { name: ':method', present_match: true } } : { header: { name: ':method', string_match: stringMatcher(method) } };
}

function pathMatcher(path: string): object {
  if (isPathTemplate(path)) {
    return {
      uri_template: {
        name: 'uri-template',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.extensions.path.match.uri_template.v3.UriTemplateMatchConfig',
          path_template: envoyPathTemplate(path),
        },
      },
    };
  }
  return { url_path: { path: stringMatcher(path) } };
}

/** Principals are matched on the peer certificate's URI SAN, `spiffe://` + the Istio principal. */
function principalMatcher(principal: string): object {
  return { authenticated: { principal_name: stringMatcher(principal, 'spiffe://') } };
}

function namespaceMatcher(namespace: string): object {
  return { authenticated: { principal_name: { safe_regex: { regex: namespaceRegexSource(namespace) } } } };
}
