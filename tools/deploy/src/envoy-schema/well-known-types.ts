import { parseScalar, show, type Parsed } from './scalar-values';

/** Largest |seconds| of a google.protobuf.Duration (10,000 years). */
const MAX_DURATION_SECONDS = 315_576_000_000;

const WRAPPERS: Record<string, string> = {
  'google.protobuf.DoubleValue': 'double',
  'google.protobuf.FloatValue': 'float',
  'google.protobuf.Int64Value': 'int64',
  'google.protobuf.UInt64Value': 'uint64',
  'google.protobuf.Int32Value': 'int32',
  'google.protobuf.UInt32Value': 'uint32',
  'google.protobuf.BoolValue': 'bool',
  'google.protobuf.StringValue': 'string',
  'google.protobuf.BytesValue': 'bytes',
};

/** A Duration's JSON form, `"5s"` or `"0.250s"`, as seconds. */
export function parseDuration(json: unknown): Parsed {
  const match = typeof json === 'string' ? /^(-)?(\d+)(?:\.(\d{1,9}))?s$/.exec(json) : null;
  if (!match) return { problem: `${show(json)} is not a Duration` };
  const seconds = Number(match[2]) + Number(`0.${match[3] ?? '0'}`);
  if (seconds > MAX_DURATION_SECONDS) return { problem: `${show(json)} is longer than a Duration can be` };
  return { value: match[1] ? -seconds : seconds };
}

function parseTimestamp(json: unknown): Parsed {
  const ok = typeof json === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(json) && !Number.isNaN(Date.parse(json));
  return ok ? { value: json } : { problem: `${show(json)} is not an RFC 3339 Timestamp` };
}

const SPECIAL_JSON = new Set([
  'google.protobuf.Duration',
  'google.protobuf.Timestamp',
  'google.protobuf.Struct',
  'google.protobuf.Value',
  'google.protobuf.ListValue',
  'google.protobuf.FieldMask',
  ...Object.keys(WRAPPERS),
]);

/** Whether the type's JSON form is not an object of its fields (inside an Any it is then `value`). */
export const hasSpecialJson = (typeName: string) => SPECIAL_JSON.has(typeName);

const isPlainObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The well-known types whose JSON form is not an object of their fields: Duration, Timestamp,
 * the wrappers (their wrapped scalar), Struct (any object), Value (any JSON), ListValue,
 * FieldMask. Undefined for every other message, including Any, which the walker resolves.
 */
export function parseWellKnown(typeName: string, json: unknown): Parsed | undefined {
  const wrapped = WRAPPERS[typeName];
  if (wrapped) return parseScalar(wrapped, json);
  switch (typeName) {
    case 'google.protobuf.Duration':
      return parseDuration(json);
    case 'google.protobuf.Timestamp':
      return parseTimestamp(json);
    case 'google.protobuf.Struct':
      return isPlainObject(json) ? { value: true } : { problem: `${show(json)} is not an object (Struct)` };
    case 'google.protobuf.Value':
      return { value: true };
    case 'google.protobuf.ListValue':
      return Array.isArray(json) ? { value: true } : { problem: `${show(json)} is not a list (ListValue)` };
    case 'google.protobuf.FieldMask':
      return typeof json === 'string' ? { value: json } : { problem: `${show(json)} is not a FieldMask string` };
    default:
      return undefined;
  }
}
