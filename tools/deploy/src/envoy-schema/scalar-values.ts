/** A JSON value after proto3's JSON mapping accepted it: what validation rules compare. */
export type ProtoValue = number | string | boolean;

/** Either the value the field holds, or why its JSON form is not one. */
export type Parsed = { value: ProtoValue } | { problem: string };

/** A value as it appears in a message: JSON, objects and lists shortened. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return typeof value === 'object' && value !== null && text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const INT32: [bigint, bigint] = [-(2n ** 31n), 2n ** 31n - 1n];
const UINT32: [bigint, bigint] = [0n, 2n ** 32n - 1n];
const INT64: [bigint, bigint] = [-(2n ** 63n), 2n ** 63n - 1n];
const UINT64: [bigint, bigint] = [0n, 2n ** 64n - 1n];
const INTEGER_RANGES: Record<string, [bigint, bigint]> = {
  int32: INT32,
  sint32: INT32,
  sfixed32: INT32,
  uint32: UINT32,
  fixed32: UINT32,
  int64: INT64,
  sint64: INT64,
  sfixed64: INT64,
  uint64: UINT64,
  fixed64: UINT64,
};
const FLOAT_MAX = 3.4028234663852886e38;

export const isIntegerType = (type: string) => type in INTEGER_RANGES;

/**
 * A scalar field's JSON form (proto3 JSON mapping): integers as numbers or decimal strings,
 * within their type's range; floats as numbers or "NaN"/"Infinity"/"-Infinity"; bools as
 * true/false; bytes as base64.
 */
export function parseScalar(type: string, json: unknown): Parsed {
  const range = INTEGER_RANGES[type];
  if (range) {
    let big: bigint;
    if (typeof json === 'number' && Number.isInteger(json)) big = BigInt(json);
    else if (typeof json === 'string' && /^-?\d+$/.test(json)) big = BigInt(json);
    else return { problem: `${show(json)} is not an integer (${type})` };
    if (big < range[0] || big > range[1]) return { problem: `${show(json)} is out of range for ${type}` };
    return { value: Number(big) };
  }
  switch (type) {
    case 'double':
    case 'float': {
      const value = typeof json === 'number' ? json : typeof json === 'string' ? parseFloatString(json) : undefined;
      if (value === undefined) return { problem: `${show(json)} is not a number (${type})` };
      if (type === 'float' && Number.isFinite(value) && Math.abs(value) > FLOAT_MAX) return { problem: `${show(json)} is out of range for float` };
      return { value };
    }
    case 'bool':
      return typeof json === 'boolean' ? { value: json } : { problem: `${show(json)} is not a boolean` };
    case 'string':
      return typeof json === 'string' ? { value: json } : { problem: `${show(json)} is not a string` };
    case 'bytes':
      return typeof json === 'string' && /^[A-Za-z0-9+/_-]*={0,2}$/.test(json) ? { value: json } : { problem: `${show(json)} is not base64 bytes` };
    default:
      return { problem: `${type} is no scalar type` };
  }
}

function parseFloatString(text: string): number | undefined {
  if (text === 'NaN') return Number.NaN;
  if (text === 'Infinity') return Number.POSITIVE_INFINITY;
  if (text === '-Infinity') return Number.NEGATIVE_INFINITY;
  return /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : undefined;
}

/** The value an unset scalar field holds, which its rules still judge (proto3 has no presence). */
export function defaultScalar(type: string): ProtoValue {
  if (type === 'string' || type === 'bytes') return '';
  return type === 'bool' ? false : 0;
}
