/**
 * Istio's one rule for every string field of an AuthorizationPolicy (principals, namespaces
 * aside, methods, paths without a template): `*` alone is presence (any non-empty value), a
 * leading `*` is a suffix match, a trailing `*` a prefix match, anything else exact. A leading
 * `*` wins: `*\/x*` is the suffix `/x*`, as pilot's StringMatcherWithPrefix reads it.
 */
export type StringMatchKind = { kind: 'presence' } | { kind: 'suffix'; suffix: string } | { kind: 'prefix'; prefix: string } | { kind: 'exact'; exact: string };

export function stringMatchKind(pattern: string): StringMatchKind {
  if (pattern === '*') return { kind: 'presence' };
  if (pattern.startsWith('*')) return { kind: 'suffix', suffix: pattern.slice(1) };
  if (pattern.endsWith('*')) return { kind: 'prefix', prefix: pattern.slice(0, -1) };
  return { kind: 'exact', exact: pattern };
}

/** Whether `value` matches `pattern` in Istio's sense; case-sensitive, as Istio renders them. */
export function istioStringMatches(pattern: string, value: string): boolean {
  const match = stringMatchKind(pattern);
  switch (match.kind) {
    case 'presence':
      return value.length > 0;
    case 'suffix':
      return value.endsWith(match.suffix);
    case 'prefix':
      return value.startsWith(match.prefix);
    case 'exact':
      return value === match.exact;
  }
}

/** Escapes text for an RE2 (and JavaScript) regular expression, as Go's regexp.QuoteMeta. */
export function quoteRegex(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}
