import { ADMIN, allowPolicy, CART, type ConformanceCase, requestCases, SLEEP } from './conformance-case';

const REFERENCE = 'Istio AuthorizationPolicy reference, Source';
const PRINCIPAL = 'Istio pilot/pkg/security/authz/model/generator_test.go (srcPrincipalGenerator)';
const NAMESPACE = 'Istio pilot/pkg/security/authz/model/generator_test.go (srcNamespaceGenerator)';
const RBAC = 'Envoy RBAC reference, Principal.authenticated (no TLS: no match)';

/** Principals and namespaces, their `not*` forms, exact / prefix / suffix / presence, and plaintext callers. */
export const sourceConformance: ConformanceCase[] = [
  ...requestCases(
    REFERENCE,
    'principals exact',
    [allowPolicy({ from: [{ source: { principals: [SLEEP] } }] })],
    [
      [SLEEP, 'GET', '/', 'allow'],
      [CART, 'GET', '/', 'deny'],
      [undefined, 'GET', '/', 'deny'],
    ],
  ),
  ...requestCases(
    PRINCIPAL,
    'principals prefix',
    [allowPolicy({ from: [{ source: { principals: ['cluster.local/ns/shop/*'] } }] })],
    [
      [CART, 'GET', '/', 'allow'],
      ['cluster.local/ns/shopping/sa/x', 'GET', '/', 'deny'],
      [SLEEP, 'GET', '/', 'deny'],
    ],
  ),
  ...requestCases(
    PRINCIPAL,
    'principals suffix',
    [allowPolicy({ from: [{ source: { principals: ['*/sa/cart'] } }] })],
    [
      [CART, 'GET', '/', 'allow'],
      ['other.domain/ns/x/sa/cart', 'GET', '/', 'allow'],
      ['cluster.local/ns/shop/sa/cartx', 'GET', '/', 'deny'],
    ],
  ),
  ...requestCases(
    PRINCIPAL,
    'principals presence',
    [allowPolicy({ from: [{ source: { principals: ['*'] } }] })],
    [
      [CART, 'GET', '/', 'allow'],
      [undefined, 'GET', '/', 'deny'],
    ],
  ),
  ...requestCases(
    REFERENCE,
    'notPrincipals',
    [allowPolicy({ from: [{ source: { notPrincipals: [SLEEP] } }] })],
    [
      [CART, 'GET', '/', 'allow'],
      [SLEEP, 'GET', '/', 'deny'],
      // Only a `not*` field can match a caller without a certificate.
      [undefined, 'GET', '/', 'allow'],
    ],
  ),
  ...requestCases(
    REFERENCE,
    'principals with notPrincipals',
    [allowPolicy({ from: [{ source: { principals: ['cluster.local/ns/shop/*'], notPrincipals: ['*/sa/cart'] } }] })],
    [
      ['cluster.local/ns/shop/sa/order', 'GET', '/', 'allow'],
      [CART, 'GET', '/', 'deny'],
      [undefined, 'GET', '/', 'deny'],
    ],
  ),
  ...requestCases(
    NAMESPACE,
    'namespaces exact',
    [allowPolicy({ from: [{ source: { namespaces: ['shop'] } }] })],
    [
      [CART, 'GET', '/', 'allow'],
      [ADMIN, 'GET', '/', 'deny'],
      ['cluster.local/ns/shopping/sa/x', 'GET', '/', 'deny'],
      [undefined, 'GET', '/', 'deny'],
    ],
  ),
  ...requestCases(
    NAMESPACE,
    'namespaces prefix and suffix',
    [allowPolicy({ from: [{ source: { namespaces: ['sh*', '*-test'] } }] })],
    [
      [CART, 'GET', '/', 'allow'],
      ['cluster.local/ns/pay-test/sa/x', 'GET', '/', 'allow'],
      [ADMIN, 'GET', '/', 'deny'],
    ],
  ),
  ...requestCases(
    NAMESPACE,
    'namespaces presence',
    [allowPolicy({ from: [{ source: { namespaces: ['*'] } }] })],
    [
      [ADMIN, 'GET', '/', 'allow'],
      [undefined, 'GET', '/', 'deny'],
    ],
  ),
  ...requestCases(
    REFERENCE,
    'notNamespaces',
    [allowPolicy({ from: [{ source: { notNamespaces: ['ops'] } }] })],
    [
      [CART, 'GET', '/', 'allow'],
      [ADMIN, 'GET', '/', 'deny'],
      [undefined, 'GET', '/', 'allow'],
    ],
  ),
  // Several sources are OR-ed, the fields of one source AND-ed.
  ...requestCases(
    REFERENCE,
    'two sources',
    [allowPolicy({ from: [{ source: { principals: [SLEEP] } }, { source: { namespaces: ['ops'] } }] })],
    [
      [SLEEP, 'GET', '/', 'allow'],
      [ADMIN, 'GET', '/', 'allow'],
      [CART, 'GET', '/', 'deny'],
    ],
  ),
  ...requestCases(
    REFERENCE,
    'principal and namespace in one source',
    [allowPolicy({ from: [{ source: { principals: ['*/sa/admin'], namespaces: ['shop'] } }] })],
    [
      [ADMIN, 'GET', '/', 'deny'],
      ['cluster.local/ns/shop/sa/admin', 'GET', '/', 'allow'],
    ],
  ),
  ...requestCases(
    RBAC,
    'no from',
    [allowPolicy({ to: [{ operation: { methods: ['GET'] } }] })],
    [
      [undefined, 'GET', '/', 'allow'],
      [CART, 'POST', '/', 'deny'],
    ],
  ),
];
