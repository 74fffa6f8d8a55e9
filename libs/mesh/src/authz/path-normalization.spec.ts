import { describe, expect, it } from 'vitest';
import { normalizeRequestPath, pathForMatching } from './path-normalization';

// Envoy's test/common/http/path_utility_test.cc (NormalizeValidPaths, NormalizeCasePath,
// InvalidPaths) and Istio's normalization reference, on the function itself.
describe('normalizeRequestPath (Istio BASE: Envoy normalize_path, slashes neither merged nor decoded)', () => {
  it.each([
    ['/xyz', '/xyz'],
    ['/x/y/z', '/x/y/z'],
    ['/a/b/../c', '/a/c'],
    ['/a/b/./c', '/a/b/c'],
    ['a/b/../c', '/a/c'],
    ['/a/b/../../../../c', '/c'],
    ['/a/..\\c', '/c'],
    ['/%c0%af', '/%c0%af'],
    ['/%5c%25', '/%5c%25'],
    ['/a/b/%2E%2E/c', '/a/c'],
    ['/a/b/%2E./c', '/a/c'],
    ['/a/b/%2E/c', '/a/b/c'],
    ['..', '/'],
    ['/../a/b', '/a/b'],
    ['/./a/b', '/a/b'],
    ['/A/B/C', '/A/B/C'],
    ['/a/b/%2e%2e/c', '/a/c'],
    ['/a/%2F%2f/c', '/a/%2F%2f/c'],
    ['/some%2fdata/%61%62%63', '/some%2fdata/abc'],
    ['/some\\data', '/some/data'],
    ['/some//data///abc', '/some//data///abc'],
    ['/public/./data/abc/../xyz', '/public/data/xyz'],
    ['/a/..', '/'],
    ['/a/.', '/a/'],
    ['/a/.b/..c/c..', '/a/.b/..c/c..'],
    ['/a%2Db%5Fc%7Ed', '/a-b_c~d'],
    ['/a%21', '/a%21'],
    ['/100%', '/100%'],
    ['/a b"<>`{}|^', '/a%20b%22%3C%3E%60%7B%7D%7C%5E'],
    ['/caf\u00e9', '/caf%E9'],
    ['/a/../b?x=/../y', '/b?x=/../y'],
    ['/a#frag?x', '/a'],
  ])('%s → %s', (input, output) => {
    expect(normalizeRequestPath(input)).toEqual({ ok: true, path: output });
  });

  it.each(['/xyz/.%00../abc', '/xyz/%00.%00./abc', '/xyz/AAAAA%%0000/abc', '/a\u0000b'])('refuses %j, as Envoy answers 400', (input) => {
    expect(normalizeRequestPath(input).ok).toBe(false);
  });

  it('changes nothing the second time', () => {
    for (const input of ['/a/%2E%2E/%41%2561/./b/../c%2F', '/x\\..\\y', '/%7e/%2d']) {
      const once = normalizeRequestPath(input);
      expect(once.ok && normalizeRequestPath(once.path)).toEqual(once);
    }
  });
});

describe('pathForMatching', () => {
  it('drops the query and fragment, as Envoy removeQueryAndFragment', () => {
    expect(pathForMatching('/abc?param=value#fragment')).toBe('/abc');
    expect(pathForMatching('/abc#?x')).toBe('/abc');
    expect(pathForMatching('/abc')).toBe('/abc');
  });
});
