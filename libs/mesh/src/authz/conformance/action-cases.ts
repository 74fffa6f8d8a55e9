import { ADMIN, allowPolicy, CART, type ConformanceCase, denyPolicy, requestCases, SLEEP, WORKLOAD } from './conformance-case';

const REFERENCE = 'Istio AuthorizationPolicy reference';
const EVALUATION = 'Istio AuthorizationPolicy reference, evaluation order (CUSTOM, DENY, ALLOW)';
const HEADER = 'Istio pilot/pkg/security/authz/matcher/header_test.go (HeaderMatcher)';
const NORMALIZATION = 'Istio Authorization Policy Normalization reference, methods';

/** Methods and their `not*` form, rules, operations, and DENY before ALLOW. */
export const actionConformance: ConformanceCase[] = [
  ...requestCases(
    HEADER,
    'methods exact',
    [allowPolicy({ to: [{ operation: { methods: ['GET', 'HEAD'] } }] })],
    [
      [CART, 'GET', '/', 'allow'],
      [CART, 'HEAD', '/', 'allow'],
      [CART, 'POST', '/', 'deny'],
    ],
  ),
  ...requestCases(
    HEADER,
    'methods prefix and suffix',
    [allowPolicy({ to: [{ operation: { methods: ['PU*', '*ETE'] } }] })],
    [
      [CART, 'PUT', '/', 'allow'],
      [CART, 'DELETE', '/', 'allow'],
      [CART, 'PATCH', '/', 'deny'],
    ],
  ),
  ...requestCases(HEADER, 'methods presence', [allowPolicy({ to: [{ operation: { methods: ['*'] } }] })], [[CART, 'OPTIONS', '/', 'allow']]),
  ...requestCases(
    REFERENCE,
    'notMethods',
    [allowPolicy({ to: [{ operation: { notMethods: ['DELETE'] } }] })],
    [
      [CART, 'GET', '/', 'allow'],
      [CART, 'DELETE', '/', 'deny'],
    ],
  ),
  ...requestCases(NORMALIZATION, 'lower-case method', [allowPolicy({})], [[CART, 'get', '/', 'reject']]),
  // The reference's first example: GET on /info* or POST on /data, from sleep or namespace test.
  ...requestCases(
    REFERENCE,
    'example httpbin',
    [
      allowPolicy({
        from: [{ source: { principals: [SLEEP] } }, { source: { namespaces: ['test'] } }],
        to: [{ operation: { methods: ['GET'], paths: ['/info*'] } }, { operation: { methods: ['POST'], paths: ['/data'] } }],
      }),
    ],
    [
      [SLEEP, 'GET', '/info/1', 'allow'],
      ['cluster.local/ns/test/sa/any', 'POST', '/data', 'allow'],
      [SLEEP, 'POST', '/info/1', 'deny'],
      [SLEEP, 'GET', '/data', 'deny'],
      [CART, 'GET', '/info', 'deny'],
    ],
  ),
  ...requestCases(
    REFERENCE,
    'paths with notPaths in one operation',
    [allowPolicy({ to: [{ operation: { paths: ['/api/*'], notPaths: ['/api/admin*'] } }] })],
    [
      [CART, 'GET', '/api/orders', 'allow'],
      [CART, 'GET', '/api/admin/users', 'deny'],
      [CART, 'GET', '/api/x/../admin/users', 'deny'],
    ],
  ),
  ...requestCases(
    REFERENCE,
    'methods with notPaths in one operation',
    [allowPolicy({ to: [{ operation: { methods: ['GET'], notPaths: ['/admin*'] } }] })],
    [
      [CART, 'GET', '/orders', 'allow'],
      [CART, 'POST', '/orders', 'deny'],
      [CART, 'GET', '/admin', 'deny'],
      [CART, 'GET', '/orders/%2E%2E/admin/y', 'deny'],
    ],
  ),
  ...requestCases(
    EVALUATION,
    'an ALLOW policy with no rules',
    [allowPolicy()],
    [
      [CART, 'GET', '/', 'deny'],
      [undefined, 'GET', '/', 'deny'],
    ],
  ),
  ...requestCases(
    REFERENCE,
    'an empty rule',
    [allowPolicy({})],
    [
      [undefined, 'GET', '/anything', 'allow'],
      [CART, 'DELETE', '/x', 'allow'],
    ],
  ),
  ...requestCases(
    EVALUATION,
    'only a DENY policy',
    [denyPolicy({ to: [{ operation: { paths: ['/admin*'] } }] })],
    [
      [CART, 'GET', '/public', 'allow'],
      [CART, 'GET', '/admin/x', 'deny'],
      [CART, 'GET', '/public/%2E%2E/admin/x', 'deny'],
    ],
  ),
  ...requestCases(
    EVALUATION,
    'DENY before ALLOW',
    [
      allowPolicy({ from: [{ source: { namespaces: ['shop', 'ops'] } }] }),
      denyPolicy({ from: [{ source: { namespaces: ['ops'] } }], to: [{ operation: { methods: ['DELETE'] } }] }),
    ],
    [
      [CART, 'DELETE', '/orders/1', 'allow'],
      [ADMIN, 'GET', '/orders/1', 'allow'],
      [ADMIN, 'DELETE', '/orders/1', 'deny'],
      [SLEEP, 'GET', '/orders/1', 'deny'],
    ],
  ),
  // The reference's DENY example: deny all but the admin namespace on /admin, whoever the ALLOW admits.
  ...requestCases(
    EVALUATION,
    'DENY with notNamespaces',
    [allowPolicy({}), denyPolicy({ from: [{ source: { notNamespaces: ['ops'] } }], to: [{ operation: { paths: ['/admin/*'] } }] })],
    [
      [ADMIN, 'GET', '/admin/users', 'allow'],
      [CART, 'GET', '/admin/users', 'deny'],
      [undefined, 'GET', '/admin/users', 'deny'],
      [CART, 'GET', '/shop', 'allow'],
    ],
  ),
  ...requestCases(
    EVALUATION,
    'two ALLOW policies',
    [allowPolicy({ from: [{ source: { principals: [SLEEP] } }] }), { workload: WORKLOAD, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }],
    [
      [SLEEP, 'POST', '/', 'allow'],
      [CART, 'GET', '/', 'allow'],
      [CART, 'POST', '/', 'deny'],
    ],
  ),
];
