import { isIP } from 'node:net';
import type { Field, Type } from 'protobufjs';
import { show, type ProtoValue } from './scalar-values';

/** protoc-gen-validate's FieldRules of one field (`[(validate.rules) = …]`), as protobufjs parses the option. */
export type Rules = Record<string, unknown>;

const cache = new WeakMap<Field, Rules | undefined>();

function merge(into: Rules, from: Rules): Rules {
  for (const [key, value] of Object.entries(from)) {
    const existing = into[key];
    into[key] = isRules(existing) && isRules(value) ? merge({ ...existing }, value) : value;
  }
  return into;
}

export const isRules = (value: unknown): value is Rules => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The field's `(validate.rules)`, merged when the proto states them in several options. */
export function fieldRules(field: Field): Rules | undefined {
  if (cache.has(field)) return cache.get(field);
  const stated = (field.parsedOptions ?? []).map((option) => option['(validate.rules)'] as unknown).filter(isRules);
  const rules = stated.length === 0 ? undefined : stated.reduce<Rules>((all, one) => merge(all, one), {});
  cache.set(field, rules);
  return rules;
}

/** `option (validate.disabled) = true` (or ignored): the message's fields are not validated. */
export const rulesDisabled = (type: Type) => type.options?.['(validate.disabled)'] === true || type.options?.['(validate.ignored)'] === true;

/** A oneof Envoy requires one member of (`option (validate.required) = true`). */
export const oneofRequired = (options: Record<string, unknown> | undefined) => options?.['(validate.required)'] === true;

/** Whether an unset message field breaks its rules (message, duration, any or timestamp `required`). */
export function requiresPresence(rules: Rules): boolean {
  return ['message', 'duration', 'any', 'timestamp'].some((kind) => sub(rules, kind)?.['required'] === true);
}

const sub = (rules: Rules, key: string): Rules | undefined => (isRules(rules[key]) ? rules[key] : undefined);
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  if (typeof value === 'object' && value !== null && 'toNumber' in value && typeof value.toNumber === 'function')
    return (value as { toNumber(): number }).toNumber();
  return undefined;
}

/** A Duration as options state it (`{ seconds: 1, nanos: 5 }`, `{}` for zero), in seconds. */
function durationSeconds(value: unknown): number | undefined {
  if (!isRules(value)) return undefined;
  return (asNumber(value['seconds']) ?? 0) + (asNumber(value['nanos']) ?? 0) / 1e9;
}

const NUMERIC_KINDS = ['float', 'double', 'int32', 'int64', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64', 'sfixed32', 'sfixed64'];

/** gt/gte/lt/lte, const, in and not_in, as PGV reads them: an upper bound below the lower one means "outside". */
function rangeProblems(rules: Rules, value: number, read: (bound: unknown) => number | undefined, format: (bound: number) => string): string[] {
  const [gt, gte, lt, lte, exact] = (['gt', 'gte', 'lt', 'lte', 'const'] as const).map((key) => read(rules[key]));
  const shown = format(value);
  if (exact !== undefined && value !== exact) return [`${shown} must be ${format(exact)}`];
  const lower = gt ?? gte;
  const upper = lt ?? lte;
  const aboveLower = gt !== undefined ? value > gt : gte !== undefined ? value >= gte : true;
  const belowUpper = lt !== undefined ? value < lt : lte !== undefined ? value <= lte : true;
  const outside = lower !== undefined && upper !== undefined && upper < lower;
  const bounds = [
    gt !== undefined ? `> ${format(gt)}` : gte !== undefined ? `>= ${format(gte)}` : '',
    lt !== undefined ? `< ${format(lt)}` : lte !== undefined ? `<= ${format(lte)}` : '',
  ].filter(Boolean);
  const problems: string[] = [];
  if (outside ? !(aboveLower || belowUpper) : !(aboveLower && belowUpper)) problems.push(`${shown} must be ${bounds.join(outside ? ' or ' : ' and ')}`);
  const allowed = list(rules['in']).map(read);
  if (allowed.length > 0 && !allowed.includes(value))
    problems.push(`${shown} must be one of ${allowed.map((bound) => (bound === undefined ? '?' : format(bound))).join(', ')}`);
  if (list(rules['not_in']).map(read).includes(value)) problems.push(`${shown} is not allowed here`);
  return problems;
}

const HEADER_NAME = /^:?[0-9a-zA-Z!#$%&'*+\-.^_|~`]+$/;
// eslint-disable-next-line no-control-regex -- the control characters are what the rule forbids
const HEADER_VALUE = /^[^\u0000-\u0008\u000A-\u001F\u007F]*$/;
// eslint-disable-next-line no-control-regex -- as above: NUL, LF and CR
const LOOSE_HEADER = /^[^\u0000\u000A\u000D]*$/;
const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

function stringProblems(rules: Rules, value: string): string[] {
  const problems: string[] = [];
  const shown = show(value);
  const chars = [...value].length;
  const bytes = Buffer.byteLength(value);
  const check = (ok: boolean, message: string) => ok || problems.push(`${shown} ${message}`);
  const n = (key: string) => asNumber(rules[key]);
  const s = (key: string) => (typeof rules[key] === 'string' ? rules[key] : undefined);
  if (s('const') !== undefined) check(value === s('const'), `must be ${show(s('const'))}`);
  if (n('len') !== undefined) check(chars === n('len'), `must be ${n('len')} characters long`);
  if (n('min_len') !== undefined) check(chars >= (n('min_len') ?? 0), `must be at least ${n('min_len')} character${n('min_len') === 1 ? '' : 's'} long`);
  if (n('max_len') !== undefined) check(chars <= (n('max_len') ?? 0), `must be at most ${n('max_len')} characters long`);
  if (n('min_bytes') !== undefined) check(bytes >= (n('min_bytes') ?? 0), `must be at least ${n('min_bytes')} bytes long`);
  if (n('max_bytes') !== undefined) check(bytes <= (n('max_bytes') ?? 0), `must be at most ${n('max_bytes')} bytes long`);
  if (s('prefix') !== undefined) check(value.startsWith(s('prefix') ?? ''), `must start with ${show(s('prefix'))}`);
  if (s('suffix') !== undefined) check(value.endsWith(s('suffix') ?? ''), `must end with ${show(s('suffix'))}`);
  if (s('contains') !== undefined) check(value.includes(s('contains') ?? ''), `must contain ${show(s('contains'))}`);
  if (s('not_contains') !== undefined) check(!value.includes(s('not_contains') ?? ''), `must not contain ${show(s('not_contains'))}`);
  const allowed = list(rules['in']);
  if (allowed.length > 0) check(allowed.includes(value), `must be one of ${allowed.map(show).join(', ')}`);
  check(!list(rules['not_in']).includes(value), 'is not allowed here');
  const pattern = s('pattern');
  if (pattern !== undefined) {
    const regex = compile(pattern);
    if (regex) check(regex.test(value), `must match ${pattern}`);
  }
  const strict = rules['strict'] !== false;
  if (rules['well_known_regex'] === 'HTTP_HEADER_NAME') check((strict ? HEADER_NAME : LOOSE_HEADER).test(value), 'is not a valid HTTP header name');
  if (rules['well_known_regex'] === 'HTTP_HEADER_VALUE') check((strict ? HEADER_VALUE : LOOSE_HEADER).test(value), 'is not a valid HTTP header value');
  if (rules['ip'] === true) check(isIP(value) !== 0, 'is not an IP address');
  if (rules['ipv4'] === true) check(isIP(value) === 4, 'is not an IPv4 address');
  if (rules['ipv6'] === true) check(isIP(value) === 6, 'is not an IPv6 address');
  if (rules['hostname'] === true) check(HOSTNAME.test(value), 'is not a hostname');
  if (rules['address'] === true) check(isIP(value) !== 0 || HOSTNAME.test(value), 'is not an IP address or hostname');
  if (rules['uri'] === true) check(URL.canParse(value), 'is not an absolute URI');
  if (rules['uuid'] === true) check(/^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/.test(value), 'is not a UUID');
  return problems;
}

/** PGV patterns are RE2; the ones Envoy uses are also JavaScript regexes. One that is not is skipped, not guessed at. */
function compile(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern, 'u');
  } catch {
    return undefined;
  }
}

/**
 * The problems a set (or defaulted) single value has under its field's rules: numbers,
 * durations (in seconds), strings, bytes, bools, enums (by number) and Any (by type URL).
 * Presence (`required`) and repeated/map rules are the walker's, which knows what is set.
 */
export function valueProblems(rules: Rules, value: ProtoValue): string[] {
  for (const kind of NUMERIC_KINDS) {
    const numeric = sub(rules, kind);
    if (numeric && typeof value === 'number') return numeric['ignore_empty'] === true && value === 0 ? [] : rangeProblems(numeric, value, asNumber, String);
  }
  const duration = sub(rules, 'duration');
  if (duration && typeof value === 'number') return rangeProblems(duration, value, durationSeconds, (seconds) => `${seconds}s`);
  const string = sub(rules, 'string');
  if (string && typeof value === 'string') return string['ignore_empty'] === true && value === '' ? [] : stringProblems(string, value);
  const bytes = sub(rules, 'bytes');
  if (bytes && typeof value === 'string') {
    const length = Buffer.from(value, 'base64').length;
    if (bytes['ignore_empty'] === true && length === 0) return [];
    return rangeProblems({ gte: bytes['min_len'], lte: bytes['max_len'], const: bytes['len'] }, length, asNumber, (count) => `${count} bytes`);
  }
  const bool = sub(rules, 'bool');
  if (bool && typeof value === 'boolean' && typeof bool['const'] === 'boolean' && value !== bool['const']) return [`${value} must be ${bool['const']}`];
  const enumRules = sub(rules, 'enum');
  if (enumRules && typeof value === 'number')
    return rangeProblems({ const: enumRules['const'], in: enumRules['in'], not_in: enumRules['not_in'] }, value, asNumber, String);
  const any = sub(rules, 'any');
  if (any && typeof value === 'string') {
    const allowed = list(any['in']);
    if (allowed.length > 0 && !allowed.includes(value)) return [`@type ${show(value)} must be one of ${allowed.map(show).join(', ')}`];
    if (list(any['not_in']).includes(value)) return [`@type ${show(value)} is not allowed here`];
  }
  return [];
}

/** min/max items (or pairs), unique and ignore_empty of a repeated field or map. */
export function countProblems(rules: Rules, kind: 'repeated' | 'map', values: readonly unknown[]): string[] {
  const own = sub(rules, kind);
  if (!own || (own['ignore_empty'] === true && values.length === 0)) return [];
  const [min, max] = kind === 'repeated' ? [asNumber(own['min_items']), asNumber(own['max_items'])] : [asNumber(own['min_pairs']), asNumber(own['max_pairs'])];
  const what = kind === 'repeated' ? 'item' : 'entry';
  const problems: string[] = [];
  if (min !== undefined && values.length < min) problems.push(`has ${values.length} ${what === 'item' ? 'items' : 'entries'}, at least ${min} required`);
  if (max !== undefined && values.length > max) problems.push(`has ${values.length} ${what === 'item' ? 'items' : 'entries'}, at most ${max} allowed`);
  if (own['unique'] === true && new Set(values.map((value) => JSON.stringify(value))).size !== values.length)
    problems.push('has repeated items, which must be unique');
  return problems;
}

/** The rules a repeated field sets for each item, or a map for its keys or values. */
export const elementRules = (rules: Rules | undefined, kind: 'repeated' | 'map', part: 'items' | 'keys' | 'values') =>
  rules ? sub(sub(rules, kind) ?? {}, part) : undefined;
