import { quoteRegex } from './string-match';

/** Istio's path templates: `{*}` is one path segment, `{**}` zero or more (Envoy's `*` and `**`). */
export const MATCH_ONE_TEMPLATE = '{*}';
export const MATCH_ANY_TEMPLATE = '{**}';

export function isPathTemplate(path: string): boolean {
  return path.includes(MATCH_ONE_TEMPLATE) || path.includes(MATCH_ANY_TEMPLATE);
}

/** The pattern as Envoy's uri_template takes it: `{*}` → `*`, `{**}` → `**` (pilot's sanitizePathTemplate). */
export function envoyPathTemplate(path: string): string {
  return path.replaceAll(MATCH_ANY_TEMPLATE, '**').replaceAll(MATCH_ONE_TEMPLATE, '*');
}

/**
 * The characters a glob may consume: RFC 3986 pchar without `*` (Envoy's kLiteral: unreserved,
 * pct-encoded, sub-delims but `*`, `:`, `@`, and `=`).
 */
const PCHAR = "a-zA-Z0-9\\-._~%!$&'()+,;:@=";
const PATH_GLOB = `[${PCHAR}]+`;
const TEXT_GLOB = `[${PCHAR}/]*`;

/**
 * The full-match expression Envoy's uri_template matcher compiles a path template to: `/`
 * joins the segments, `*` is one non-empty segment, `**` any run of segments including
 * none (so `/a/{**}` matches `/a/` but not `/a`). Istio's validation (validatePathTemplate)
 * admits only whole-segment templates, so no suffix form is needed here.
 */
export function uriTemplateRegex(path: string): RegExp {
  const segments = path
    .slice(1)
    .split('/')
    .map((segment) => (segment === MATCH_ANY_TEMPLATE ? TEXT_GLOB : segment === MATCH_ONE_TEMPLATE ? PATH_GLOB : quoteRegex(segment)));
  return new RegExp(`^/${segments.join('/')}$`);
}

/**
 * Istio's CheckValidPathTemplate: `{` and `}` only in whole `{*}` / `{**}` segments (in any
 * path), no operator after `{**}`, and in a template every other segment a valid literal
 * (RFC 3986 pchar, so no bare `*`); plus Envoy's rule that a template starts with `/`.
 */
export function pathTemplateProblem(path: string): string | undefined {
  const template = isPathTemplate(path);
  if (template && !path.startsWith('/')) return `path template ${path} must start with "/" (Envoy's uri_template)`;
  let sawMatchAny = false;
  for (const glob of path.replace(/^\/+|\/+$/g, '').split('/')) {
    if (glob === MATCH_ONE_TEMPLATE || glob === MATCH_ANY_TEMPLATE) {
      if (sawMatchAny) return `path ${path}: {**} is not the last operator`;
      sawMatchAny = glob === MATCH_ANY_TEMPLATE;
      continue;
    }
    if (/[{}]/.test(glob)) return `path ${path}: contains '{' or '}' beyond a supported path template ({*} or {**} as a whole segment)`;
    if (template && !/^[a-zA-Z0-9\-._~%!$&'()+,;:@=]+$/.test(glob)) return `path ${path}: segment "${glob}" is not a valid literal (RFC 3986 pchar)`;
  }
  return undefined;
}
