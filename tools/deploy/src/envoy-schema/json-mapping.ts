import { Enum, type Field, type OneOf, Type } from 'protobufjs';
import { messageType } from './envoy-protos';
import { defaultScalar, isIntegerType, parseScalar, show, type Parsed, type ProtoValue } from './scalar-values';
import { countProblems, elementRules, fieldRules, oneofRequired, requiresPresence, rulesDisabled, type Rules, valueProblems } from './validate-rules';
import { hasSpecialJson, parseWellKnown } from './well-known-types';

/** Where the walk is: problems so far, and whether PGV rules apply here (`message.skip` turns them off). */
interface Walk {
  problems: string[];
  rules: boolean;
}

const TYPED_STRUCTS = new Set(['udpa.type.v1.TypedStruct', 'xds.type.v3.TypedStruct']);

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const at = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);
const indexed = (path: string, index: number | string) => `${path}[${typeof index === 'number' ? index : JSON.stringify(index)}]`;
const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());

const names = new WeakMap<Type, Map<string, Field>>();
/** A message's fields by both JSON spellings proto3 accepts: the proto name and lowerCamelCase. */
function fieldsByName(type: Type): Map<string, Field> {
  let byName = names.get(type);
  if (!byName) {
    byName = new Map();
    for (const field of type.fieldsArray) {
      byName.set(field.name, field);
      byName.set(typeof field.options?.['json_name'] === 'string' ? field.options['json_name'] : camel(field.name), field);
    }
    names.set(type, byName);
  }
  return byName;
}

/** A proto3 `optional` field's oneof is synthetic: it says "has presence", not "pick one". */
const isSynthetic = (oneof: OneOf) => oneof.fieldsArray.length === 1 && oneof.fieldsArray[0]?.options?.['proto3_optional'] === true;

/**
 * Checks `json` as the JSON form of `type`, as Envoy's strict loader would: unknown fields,
 * value forms, enums, oneofs, every Any resolved through its @type, and PGV rules.
 * Each problem is `<path>: <what is wrong>`.
 */
export function messageProblems(type: Type, json: unknown, path = ''): string[] {
  const walk: Walk = { problems: [], rules: true };
  checkValue(type, json, path, walk);
  return walk.problems.map((problem) => (problem.startsWith(': ') ? problem.slice(2) : problem)); // the root has no path
}

/** A message field's value; the value its rules compare (a Duration's seconds, a wrapper's scalar, an Any's URL), or undefined. */
function checkValue(type: Type, json: unknown, path: string, walk: Walk): ProtoValue | undefined {
  if (type.fullName === '.google.protobuf.Any') return checkAny(json, path, walk);
  const wellKnown = parseWellKnown(type.fullName.slice(1), json);
  if (wellKnown) return report(wellKnown, path, walk);
  checkMessage(type, json, path, walk);
  return undefined;
}

function report(parsed: Parsed, path: string, walk: Walk): ProtoValue | undefined {
  if ('problem' in parsed) {
    walk.problems.push(`${path}: ${parsed.problem}`);
    return undefined;
  }
  return parsed.value;
}

function checkMessage(type: Type, json: unknown, path: string, walk: Walk): void {
  if (!isObject(json)) {
    walk.problems.push(`${path}: ${show(json)} is not an object (${type.fullName.slice(1)})`);
    return;
  }
  const byName = fieldsByName(type);
  const set = new Map<Field, string>();
  for (const [key, value] of Object.entries(json)) {
    const field = byName.get(key);
    if (!field) {
      walk.problems.push(`${at(path, key)}: no such field in ${type.fullName.slice(1)}`);
      continue;
    }
    const other = set.get(field);
    if (other !== undefined) walk.problems.push(`${at(path, key)}: sets the same field as ${other}`);
    if (value === null && field.resolvedType?.fullName !== '.google.protobuf.Value') continue; // null is "unset" in proto3 JSON
    set.set(field, key);
    if (field.options?.['deprecated'] === true)
      walk.problems.push(`${at(path, key)}: is deprecated in ${type.fullName.slice(1)} (Envoy warns and will drop it)`);
    if (field.options?.['(envoy.annotations.disallowed_by_default)'] === true)
      walk.problems.push(`${at(path, key)}: is disallowed by default in ${type.fullName.slice(1)}`);
    checkField(field, value, at(path, key), walk);
  }
  for (const oneof of type.oneofsArray) {
    if (isSynthetic(oneof)) continue;
    const members = oneof.fieldsArray.filter((field) => set.has(field)).map((field) => set.get(field) ?? field.name);
    if (members.length > 1) walk.problems.push(`${path}: ${members.join(' and ')} are one oneof (${oneof.name}): set only one`);
    if (members.length === 0 && walk.rules && oneofRequired(oneof.options))
      walk.problems.push(`${path}: sets none of ${oneof.name} (${oneof.fieldsArray.map((field) => field.name).join(', ')}), and Envoy requires one`);
  }
  if (walk.rules && !rulesDisabled(type))
    for (const field of type.fieldsArray) if (!set.has(field) && !field.partOf) checkUnset(field, at(path, field.name), walk);
}

/** Proto3 has no presence for scalars: an unset one holds its default, which its rules still judge. */
function checkUnset(field: Field, path: string, walk: Walk): void {
  const rules = fieldRules(field);
  if (!rules) return;
  if (field.map || field.repeated) {
    walk.problems.push(...countProblems(rules, field.map ? 'map' : 'repeated', []).map((problem) => `${path}: ${problem}`));
  } else if (field.resolvedType instanceof Type) {
    if (requiresPresence(rules)) walk.problems.push(`${path}: is required`);
  } else {
    const value = field.resolvedType instanceof Enum ? 0 : defaultScalar(field.type);
    walk.problems.push(...valueProblems(rules, value).map((problem) => `${path}: is unset, and ${problem}`));
  }
}

function checkField(field: Field, json: unknown, path: string, walk: Walk): void {
  const rules = walk.rules ? fieldRules(field) : undefined;
  const inner: Walk = rules && isObject(rules['message']) && rules['message']['skip'] === true ? { problems: walk.problems, rules: false } : walk;
  if (field.map) {
    if (!isObject(json)) {
      walk.problems.push(`${path}: ${show(json)} is not an object (map)`);
      return;
    }
    for (const [key, value] of Object.entries(json)) {
      const keyType = (field as Field & { keyType: string }).keyType;
      if (isIntegerType(keyType) && 'problem' in parseScalar(keyType, key)) walk.problems.push(`${indexed(path, key)}: key ${show(key)} is not a ${keyType}`);
      if (keyType === 'bool' && key !== 'true' && key !== 'false') walk.problems.push(`${indexed(path, key)}: key ${show(key)} is not a bool`);
      checkElement(field, value, indexed(path, key), inner, elementRules(rules, 'map', 'values'));
      const keyRules = elementRules(rules, 'map', 'keys');
      if (keyRules) walk.problems.push(...valueProblems(keyRules, key).map((problem) => `${indexed(path, key)}: key ${problem}`));
    }
    if (rules) walk.problems.push(...countProblems(rules, 'map', Object.keys(json)).map((problem) => `${path}: ${problem}`));
    return;
  }
  if (field.repeated) {
    if (!Array.isArray(json)) {
      walk.problems.push(`${path}: ${show(json)} is not a list`);
      return;
    }
    json.forEach((item, index) => checkElement(field, item, indexed(path, index), inner, elementRules(rules, 'repeated', 'items')));
    if (rules) walk.problems.push(...countProblems(rules, 'repeated', json).map((problem) => `${path}: ${problem}`));
    return;
  }
  checkElement(field, json, path, inner, rules);
}

/** One value of a field (the field itself, a list item or a map value) against its type and rules. */
function checkElement(field: Field, json: unknown, path: string, walk: Walk, rules: Rules | undefined): void {
  const resolved = field.resolvedType;
  let value: ProtoValue | undefined;
  if (resolved instanceof Enum) value = checkEnum(resolved, json, path, walk);
  else if (resolved instanceof Type) value = checkValue(resolved, json, path, walk);
  else value = report(parseScalar(field.type, json), path, walk);
  if (value === undefined || !rules || !walk.rules) return;
  walk.problems.push(...valueProblems(rules, value).map((problem) => `${path}: ${problem}`));
  const definedOnly = isObject(rules['enum']) && rules['enum']['defined_only'] === true;
  if (resolved instanceof Enum && definedOnly && !Object.values(resolved.values).includes(value as number))
    walk.problems.push(`${path}: ${value} is no value of ${resolved.fullName.slice(1)}`);
}

function checkEnum(type: Enum, json: unknown, path: string, walk: Walk): number | undefined {
  const name = type.fullName.slice(1);
  if (typeof json === 'number' && Number.isInteger(json)) return json; // proto3 enums are open: numbers pass
  const number = typeof json === 'string' && Object.hasOwn(type.values, json) ? type.values[json] : undefined;
  if (number === undefined) {
    walk.problems.push(
      `${path}: ${show(json)} is no value of ${name} (${Object.keys(type.values).slice(0, 8).join(', ')}${Object.keys(type.values).length > 8 ? ', ...' : ''})`,
    );
    return undefined;
  }
  const options = type.valuesOptions?.[json as string];
  if (options?.['deprecated'] === true) walk.problems.push(`${path}: ${show(json)} is deprecated in ${name} (Envoy warns and will drop it)`);
  return number;
}

/**
 * An Any (`typed_config`): its @type must name a message of Envoy's API, whose fields are the
 * object's other keys (or `value`, for the well-known types). A TypedStruct's `value` is
 * checked as the message its `type_url` names.
 */
function checkAny(json: unknown, path: string, walk: Walk): string | undefined {
  if (!isObject(json)) {
    walk.problems.push(`${path}: ${show(json)} is not an object (google.protobuf.Any)`);
    return undefined;
  }
  const { '@type': typeUrl, ...fields } = json;
  if (typeof typeUrl !== 'string') {
    walk.problems.push(`${path}: has no @type`);
    return undefined;
  }
  const type = messageType(typeUrl);
  if (!type) {
    walk.problems.push(`${path}: @type ${show(typeUrl)} names no message of Envoy's API`);
    return typeUrl;
  }
  if (hasSpecialJson(type.fullName.slice(1)) || type.fullName === '.google.protobuf.Any') {
    const { value, ...rest } = fields;
    for (const key of Object.keys(rest)) walk.problems.push(`${at(path, key)}: no such field in an Any of ${type.fullName.slice(1)} (only "value")`);
    checkValue(type, value, at(path, 'value'), walk);
    return typeUrl;
  }
  checkMessage(type, fields, path, walk);
  if (TYPED_STRUCTS.has(type.fullName.slice(1)) && typeof fields['type_url'] === 'string') {
    const inner = messageType(fields['type_url']);
    if (!inner) walk.problems.push(`${at(path, 'type_url')}: ${show(fields['type_url'])} names no message of Envoy's API`);
    else checkMessage(inner, fields['value'] ?? {}, at(path, 'value'), walk);
  }
  return typeUrl;
}
