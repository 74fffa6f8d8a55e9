import { normalizeRequestPath, pathForMatching } from '@meshmart/mesh/tools';

/**
 * A small evaluator of what Envoy does with the inbound config the deploy tool renders: the
 * HTTP connection manager's path normalization, then each RBAC filter in order. Written from
 * Envoy's reference (RBAC Permission / Principal, StringMatcher, HeaderMatcher, uri_template),
 * independently of the library's matcher, so that running the conformance table through both
 * shows the rendering means what the library enforces. Only what the renderer emits is modeled;
 * anything else throws rather than guess.
 */
export interface EnvoyRequest {
  /** The peer certificate's URI SAN; undefined without TLS. */
  uriSan: string | undefined;
  method: string;
  path: string;
}

export interface HcmPathSettings {
  normalize_path?: boolean;
  merge_slashes?: boolean;
  path_with_escaped_slashes_action?: string;
}

type Node = Record<string, unknown>;
export type Outcome = 'allow' | 'deny' | 'reject';

export function evaluateInbound(hcm: HcmPathSettings, filters: readonly Node[], request: EnvoyRequest): Outcome {
  // Istio's normalization reference: a method not in upper case is refused (400) up front.
  if (request.method !== request.method.toUpperCase()) return 'reject';
  let path = request.path;
  if (hcm.normalize_path) {
    const normalized = normalizeRequestPath(path);
    if (!normalized.ok) return 'reject';
    path = normalized.path;
  }
  if (hcm.merge_slashes) path = path.replace(/\/{2,}/g, '/');
  if ((hcm.path_with_escaped_slashes_action ?? 'KEEP_UNCHANGED') !== 'KEEP_UNCHANGED')
    throw new Error(`path_with_escaped_slashes_action ${hcm.path_with_escaped_slashes_action} is not modeled`);
  const seen = { ...request, path };
  for (const filter of filters) {
    const { rules } = filter['typed_config'] as { rules: { action: 'ALLOW' | 'DENY'; policies: Record<string, { permissions: Node[]; principals: Node[] }> } };
    const matched = Object.values(rules.policies).some(
      (policy) => policy.permissions.some((p) => permission(p, seen)) && policy.principals.some((p) => principal(p, seen)),
    );
    if (rules.action === 'DENY' ? matched : !matched) return 'deny';
  }
  return 'allow';
}

function permission(node: Node, request: EnvoyRequest): boolean {
  const [[kind, value]] = Object.entries(node) as [[string, unknown]];
  const rules = () => (value as { rules: Node[] }).rules;
  switch (kind) {
    case 'any':
      return value === true;
    case 'and_rules':
      return rules().every((rule) => permission(rule, request));
    case 'or_rules':
      return rules().some((rule) => permission(rule, request));
    case 'not_rule':
      return !permission(value as Node, request);
    case 'header':
      return header(value as Node, request);
    case 'url_path':
      // Envoy's PathMatcher compares the path without query and fragment.
      return stringMatches((value as { path: Node }).path, pathForMatching(request.path));
    case 'uri_template':
      return uriTemplateMatches((value as { typed_config: { path_template: string } }).typed_config.path_template, pathForMatching(request.path));
    default:
      throw new Error(`permission ${kind} is not modeled`);
  }
}

function principal(node: Node, request: EnvoyRequest): boolean {
  const [[kind, value]] = Object.entries(node) as [[string, unknown]];
  const ids = () => (value as { ids: Node[] }).ids;
  switch (kind) {
    case 'any':
      return value === true;
    case 'and_ids':
      return ids().every((id) => principal(id, request));
    case 'or_ids':
      return ids().some((id) => principal(id, request));
    case 'not_id':
      return !principal(value as Node, request);
    case 'authenticated': {
      // No TLS, no match; with TLS and no principal_name, any authenticated peer.
      if (request.uriSan === undefined) return false;
      const name = (value as { principal_name?: Node }).principal_name;
      return name === undefined || stringMatches(name, request.uriSan);
    }
    default:
      throw new Error(`principal ${kind} is not modeled`);
  }
}

function header(matcher: Node, request: EnvoyRequest): boolean {
  if (matcher['name'] !== ':method') throw new Error(`header ${String(matcher['name'])} is not modeled`);
  if (matcher['present_match'] === true) return true;
  return stringMatches(matcher['string_match'] as Node, request.method);
}

/** Envoy's StringMatcher; safe_regex is an RE2 full match (the renderer's expressions are RE2 ∩ JS). */
function stringMatches(matcher: Node, value: string): boolean {
  const ignoreCase = matcher['ignore_case'] === true;
  const text = ignoreCase ? value.toLowerCase() : value;
  const operand = (key: string) => (ignoreCase ? String(matcher[key]).toLowerCase() : String(matcher[key]));
  if ('exact' in matcher) return text === operand('exact');
  if ('prefix' in matcher) return operand('prefix') !== '' && text.startsWith(operand('prefix'));
  if ('suffix' in matcher) return operand('suffix') !== '' && text.endsWith(operand('suffix'));
  if ('contains' in matcher) return text.includes(operand('contains'));
  if ('safe_regex' in matcher) return new RegExp(`^(?:${(matcher['safe_regex'] as { regex: string }).regex})$`).test(value);
  throw new Error(`string matcher ${Object.keys(matcher).join(',')} is not modeled`);
}

/**
 * Envoy's uri_template (uri_template_internal.cc): after the leading `/`, segments joined by
 * `/`, `*` one or more pchar, `**` any run of pchar and `/`, literals as they are.
 */
function uriTemplateMatches(template: string, path: string): boolean {
  const pchar = "[a-zA-Z0-9\\-._~%!$&'()+,;:@=]";
  const segments = template
    .slice(1)
    .split('/')
    .map((segment) => {
      if (segment === '**') return `(?:${pchar}|/)*`;
      if (segment === '*') return `${pchar}+`;
      if (segment.includes('*') || segment.includes('{')) throw new Error(`uri_template segment ${segment} is not modeled`);
      return segment.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
    });
  return new RegExp(`^/${segments.join('/')}$`).test(path);
}
