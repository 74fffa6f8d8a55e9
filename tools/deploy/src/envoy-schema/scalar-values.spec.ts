import { describe, expect, it } from 'vitest';
import { parseScalar } from './scalar-values';
import { parseDuration, parseWellKnown } from './well-known-types';

describe('proto3 JSON forms of scalars and well-known types', () => {
  it('takes integers as numbers or decimal strings within their type, 64-bit ones beyond 2^53 too', () => {
    expect(parseScalar('uint32', 9901)).toEqual({ value: 9901 });
    expect(parseScalar('uint32', '9901')).toEqual({ value: 9901 });
    expect(parseScalar('uint32', -1)).toEqual({ problem: '-1 is out of range for uint32' });
    expect(parseScalar('int32', 1.5)).toEqual({ problem: '1.5 is not an integer (int32)' });
    expect(parseScalar('uint64', '18446744073709551615')).toHaveProperty('value');
    expect(parseScalar('uint64', '18446744073709551616')).toEqual({ problem: '"18446744073709551616" is out of range for uint64' });
  });

  it('takes floats as numbers or the special strings, bools only as booleans, strings only as strings', () => {
    expect(parseScalar('double', 'Infinity')).toEqual({ value: Number.POSITIVE_INFINITY });
    expect(parseScalar('double', '2.5')).toEqual({ value: 2.5 });
    expect(parseScalar('double', 'many')).toEqual({ problem: '"many" is not a number (double)' });
    expect(parseScalar('bool', 'true')).toEqual({ problem: '"true" is not a boolean' });
    expect(parseScalar('string', 5)).toEqual({ problem: '5 is not a string' });
  });

  it('reads a Duration only as seconds with an "s", up to nine fractional digits', () => {
    expect(parseDuration('5s')).toEqual({ value: 5 });
    expect(parseDuration('0.250s')).toEqual({ value: 0.25 });
    expect(parseDuration('-1.5s')).toEqual({ value: -1.5 });
    for (const bad of ['5', 5, '5ms', '1.0000000001s', '']) expect(parseDuration(bad)).toEqual({ problem: `${JSON.stringify(bad)} is not a Duration` });
  });

  it('reads wrappers as the scalar they wrap, Struct as any object, Value as any JSON', () => {
    expect(parseWellKnown('google.protobuf.UInt32Value', 3)).toEqual({ value: 3 });
    expect(parseWellKnown('google.protobuf.BoolValue', 1)).toEqual({ problem: '1 is not a boolean' });
    expect(parseWellKnown('google.protobuf.Struct', { a: [1] })).toEqual({ value: true });
    expect(parseWellKnown('google.protobuf.Struct', [1])).toEqual({ problem: '[1] is not an object (Struct)' });
    expect(parseWellKnown('google.protobuf.Value', null)).toEqual({ value: true });
    expect(parseWellKnown('google.protobuf.Timestamp', '2026-11-29T22:00:00Z')).toEqual({ value: '2026-11-29T22:00:00Z' });
    expect(parseWellKnown('envoy.config.cluster.v3.Cluster', {})).toBeUndefined();
  });
});
