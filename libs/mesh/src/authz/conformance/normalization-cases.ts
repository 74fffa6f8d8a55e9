import { type ConformanceCase, pathCases } from './conformance-case';

const NORMALIZATION = 'Istio Authorization Policy Normalization reference (BASE, the default)';
const ENVOY_PATHS = 'Envoy test/common/http/path_utility_test.cc';
const BEST_PRACTICES = 'Istio security best practices, "Understand path normalization in authorization policy"';

/** The path a policy sees is normalized first (dot segments, unreserved escapes, backslashes). */
export const normalizationConformance: ConformanceCase[] = [
  // An ALLOW of a prefix must not open its neighbour through dot segments, in any spelling.
  ...pathCases(BEST_PRACTICES, '/public*', [
    ['/public/file', 'allow'],
    ['/public/../private', 'deny'],
    ['/public/%2E%2E/private', 'deny'],
    ['/public/%2e%2e/private', 'deny'],
    ['/public/.%2E/private', 'deny'],
    ['/public/%2E./private', 'deny'],
    ['/public\\..\\private', 'deny'],
    ['/public/./file', 'allow'],
    ['/public/a/../b', 'allow'],
    ['/public/..hidden', 'allow'],
  ]),
  // A DENY of an exact path holds whatever the spelling.
  ...pathCases(
    NORMALIZATION,
    '/private',
    [
      ['/public/../private', 'deny'],
      ['/%70rivate', 'deny'],
      ['/priv%61te', 'deny'],
      ['/./private', 'deny'],
      ['/a/b/../../private', 'deny'],
      ['/../../private', 'deny'],
      ['/private/', 'allow'],
    ],
    'notPaths',
  ),
  ...pathCases(ENVOY_PATHS, '/a/c', [
    ['/a/b/../c', 'allow'],
    ['a/b/../c', 'allow'],
    ['/a/b/%2E%2E/c', 'allow'],
    ['/a/b/%2e%2e/c', 'allow'],
    ['/a/b/%2E./c', 'allow'],
    ['/a/..\\a\\c', 'allow'],
    ['/a/b/../../../../a/c', 'allow'],
    ['/a/b/./c', 'deny'],
  ]),
  ...pathCases(ENVOY_PATHS, '/a/b/c', [
    ['/a/b/./c', 'allow'],
    ['/a/b/%2E/c', 'allow'],
    ['/A/B/C', 'deny'],
  ]),
  // Unreserved escapes are decoded once (%41-%5A, %61-%7A, %30-%39, %2D, %2E, %5F, %7E) …
  ...pathCases(NORMALIZATION, '/some/data/abc-_~09', [
    ['/some/data/%61%62%63%2D%5F%7E%30%39', 'allow'],
    ['/some/data/%61%62%63%2d%5f%7e%30%39', 'allow'],
  ]),
  ...pathCases(NORMALIZATION, '/ABC', [['/%41%42%43', 'allow']]),
  // … never twice, and reserved ones stay escaped, hex case kept: %2F is not a slash by default.
  ...pathCases(NORMALIZATION, '/a/%2561', [['/a/%2561', 'allow']]),
  ...pathCases(ENVOY_PATHS, '/a/%2F%2f/c', [['/a/%2F%2f/c', 'allow']]),
  ...pathCases(ENVOY_PATHS, '/%5c%25', [['/%5c%25', 'allow']]),
  ...pathCases(NORMALIZATION, '/some/data', [
    ['/some%2Fdata', 'deny'],
    ['/some\\data', 'allow'],
    ['/some//data', 'deny'],
  ]),
  // A NUL, raw or escaped, makes the request invalid: 400 before any policy.
  ...pathCases(NORMALIZATION, '*', [
    ['/xyz/.%00../abc', 'reject'],
    ['/xyz/%00.%00./abc', 'reject'],
    ['/xyz/AAAAA%%0000/abc', 'reject'],
  ]),
  // The query is never part of the path a policy matches.
  ...pathCases(NORMALIZATION, '/foo', [
    ['/foo?v=1', 'allow'],
    ['/foo?/../admin', 'allow'],
    ['/foo#fragment', 'allow'],
  ]),
];
