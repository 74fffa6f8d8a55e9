import { type ConformanceCase, pathCases } from './conformance-case';

const REFERENCE = 'Istio AuthorizationPolicy reference, Operation.paths';
const STRING_MATCH = 'Istio pilot/pkg/security/authz/matcher/string_test.go (StringMatcherWithPrefix)';
const URI_TEMPLATE = 'Envoy test/extensions/path/uri_template_lib/uri_template_internal_test.cc';

/** Exact, prefix, suffix and presence paths; `{*}` and `{**}` templates as Envoy's uri_template matches them. */
export const pathConformance: ConformanceCase[] = [
  ...pathCases(REFERENCE, '/data', [
    ['/data', 'allow'],
    ['/data/', 'deny'],
    ['/datax', 'deny'],
    ['/DATA', 'deny'],
    ['/data?x=1', 'allow'],
  ]),
  ...pathCases(REFERENCE, '/info*', [
    ['/info', 'allow'],
    ['/info/x/y', 'allow'],
    ['/infox', 'allow'],
    ['/inf', 'deny'],
  ]),
  ...pathCases(STRING_MATCH, '*/status', [
    ['/orders/1/status', 'allow'],
    ['/status', 'allow'],
    ['/orders/1/statusx', 'deny'],
  ]),
  // A leading `*` makes a suffix match even when the value also ends in `*`: the suffix is `/x*`.
  ...pathCases(STRING_MATCH, '*/x*', [
    ['/a/x*', 'allow'],
    ['/a/xyz', 'deny'],
  ]),
  ...pathCases(STRING_MATCH, '*', [
    ['/', 'allow'],
    ['/anything/at/all', 'allow'],
  ]),
  ...pathCases(REFERENCE, '/foo/{*}', [
    ['/foo/bar', 'allow'],
    ['/foo/bar/baz', 'deny'],
    ['/foo/', 'deny'],
    ['/foo', 'deny'],
  ]),
  // The reference also lists /foo/bar/baz.txt as a match of /foo/{**}/; the enforcing matcher
  // (Envoy's uri_template, `/foo/` + `[pchar/]*` + `/`) needs the trailing slash, and it decides.
  ...pathCases(REFERENCE, '/foo/{**}/', [
    ['/foo/bar/', 'allow'],
    ['/foo//', 'allow'],
    ['/foo/bar', 'deny'],
    ['/foo/bar/baz.txt', 'deny'],
  ]),
  ...pathCases(REFERENCE, '/foo/{*}/bar/{**}', [
    ['/foo/buzz/bar/', 'allow'],
    ['/foo/buzz/bar/baz', 'allow'],
    ['/foo/buzz/bar', 'deny'],
    ['/foo/a/b/bar/baz', 'deny'],
  ]),
  // `**` is zero or more segments: the empty rest after the slash matches, the bare prefix not.
  ...pathCases(URI_TEMPLATE, '/v1/{**}', [
    ['/v1/broadcasts/12345/live', 'allow'],
    ['/v1/', 'allow'],
    ['/v1', 'deny'],
  ]),
  ...pathCases(URI_TEMPLATE, '/api/{*}/{*}/', [
    ['/api/v1/1234/', 'allow'],
    ['/api/v1/1234', 'deny'],
  ]),
  ...pathCases(URI_TEMPLATE, '/api/{*}/v1/{**}', [['/api/v1/1234/', 'deny']]),
  ...pathCases(URI_TEMPLATE, '/media/{*}', [['/media/eff456/ll-sd-out.js', 'deny']]),
  ...pathCases(URI_TEMPLATE, '/{**}', [
    ['/', 'allow'],
    ['/a/b/c', 'allow'],
  ]),
  // Glob characters are RFC 3986 pchar (with `=`), never `*` or a space escape's raw form.
  ...pathCases(URI_TEMPLATE, '/q/{*}', [
    ["/q/a-._~%20!$&'()+,;:@=", 'allow'],
    ['/q/a*b', 'deny'],
  ]),
  ...pathCases(
    REFERENCE,
    '/admin*',
    [
      ['/public', 'allow'],
      ['/admin', 'deny'],
      ['/admin/users', 'deny'],
    ],
    'notPaths',
  ),
];
