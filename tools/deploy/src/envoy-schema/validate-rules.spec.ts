import { describe, expect, it } from 'vitest';
import { countProblems, valueProblems } from './validate-rules';

describe('protoc-gen-validate rules on one value', () => {
  it('reads numeric bounds as PGV does, an upper bound below the lower one meaning "outside"', () => {
    expect(valueProblems({ uint32: { lte: 100 } }, 100)).toEqual([]);
    expect(valueProblems({ uint32: { lte: 100 } }, 150)).toEqual(['150 must be <= 100']);
    expect(valueProblems({ double: { gte: 0, lte: 100 } }, -1)).toEqual(['-1 must be >= 0 and <= 100']);
    expect(valueProblems({ int32: { gt: 10, lt: 5 } }, 11)).toEqual([]);
    expect(valueProblems({ int32: { gt: 10, lt: 5 } }, 7)).toEqual(['7 must be > 10 or < 5']);
    expect(valueProblems({ uint32: { in: [1, 2] } }, 3)).toEqual(['3 must be one of 1, 2']);
    expect(valueProblems({ uint32: { const: 2 } }, 3)).toEqual(['3 must be 2']);
    expect(valueProblems({ uint32: { gt: 0, ignore_empty: true } }, 0)).toEqual([]);
  });

  it('compares durations in seconds, bounds stated as { seconds, nanos }', () => {
    expect(valueProblems({ duration: { gt: {} } }, 0)).toEqual(['0s must be > 0s']);
    expect(valueProblems({ duration: { gte: { nanos: 1_000_000 } } }, 0.0005)).toEqual(['0.0005s must be >= 0.001s']);
    expect(valueProblems({ duration: { lt: { seconds: 5 } } }, 4.5)).toEqual([]);
  });

  it('checks string lengths in characters, lists, prefixes and the well-known header regexes', () => {
    expect(valueProblems({ string: { min_len: 1 } }, '')).toEqual(['"" must be at least 1 character long']);
    expect(valueProblems({ string: { max_len: 2 } }, 'äöü')).toEqual(['"äöü" must be at most 2 characters long']);
    expect(valueProblems({ string: { in: ['a', 'b'] } }, 'c')).toEqual(['"c" must be one of "a", "b"']);
    expect(valueProblems({ string: { prefix: 'spiffe://' } }, 'https://x')).toEqual(['"https://x" must start with "spiffe://"']);
    expect(valueProblems({ string: { well_known_regex: 'HTTP_HEADER_NAME' } }, 'bad header')).toEqual(['"bad header" is not a valid HTTP header name']);
    expect(valueProblems({ string: { well_known_regex: 'HTTP_HEADER_NAME', strict: false } }, 'bad header')).toEqual([]);
    expect(valueProblems({ string: { well_known_regex: 'HTTP_HEADER_VALUE' } }, 'a\nb')).toEqual(['"a\\nb" is not a valid HTTP header value']);
    expect(valueProblems({ string: { pattern: '^[a-z]+$' } }, 'A')).toEqual(['"A" must match ^[a-z]+$']);
    expect(valueProblems({ string: { ip: true } }, '10.0.0.300')).toEqual(['"10.0.0.300" is not an IP address']);
  });

  it('checks an Any by its type URL and an enum by its number', () => {
    expect(valueProblems({ any: { in: ['type.googleapis.com/a.B'] } }, 'type.googleapis.com/a.C')).toEqual([
      '@type "type.googleapis.com/a.C" must be one of "type.googleapis.com/a.B"',
    ]);
    expect(valueProblems({ enum: { not_in: [0] } }, 0)).toEqual(['0 is not allowed here']);
  });

  it('counts list items and map entries', () => {
    expect(countProblems({ repeated: { min_items: 1 } }, 'repeated', [])).toEqual(['has 0 items, at least 1 required']);
    expect(countProblems({ repeated: { unique: true } }, 'repeated', ['a', 'a'])).toEqual(['has repeated items, which must be unique']);
    expect(countProblems({ map: { max_pairs: 1 } }, 'map', ['a', 'b'])).toEqual(['has 2 entries, at most 1 allowed']);
    expect(countProblems({ repeated: { min_items: 1, ignore_empty: true } }, 'repeated', [])).toEqual([]);
  });
});
