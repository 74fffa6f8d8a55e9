import type { DeclaredTopic, ExistingWorkload } from './workspace-facts';

/** The options as `nx g @meshmart/workspace:service` passes them (see schema.json). */
export interface ServiceGeneratorSchema {
  name: string;
  upstreams?: string;
  consumes?: string;
  database?: boolean;
  port?: number;
  callers?: string;
}

/** Everything the templates need, checked against the workspace. */
export interface ServiceOptions {
  name: string;
  /** `review-service` → `review`: the scope tag, the problems file, the contracts file. */
  stem: string;
  /** `gift-card-service` → `GiftCard`. */
  className: string;
  /** `gift-card-service` → `giftCard`. */
  propertyName: string;
  title: string;
  description: string;
  port: number;
  upstreams: string[];
  consumes: string[];
  /** One Kafka controller each: the consumed topic, its consumer group and the event types it carries. */
  consumers: ConsumedTopic[];
  /** `gift-card` → `gift_card`, for metric names. */
  metricStem: string;
  database?: string;
  callers: string[];
  /** The migration's timestamp (milliseconds), also its class name's suffix. */
  timestamp: number;
}

export interface ConsumedTopic {
  topic: string;
  /** `orders`: names the controller's file (`orders.kafka.controller.ts`) and the group. */
  topicStem: string;
  topicClass: string;
  /** `<name>.<topicStem>`. */
  group: string;
  eventTypes: string[];
}

/** What is wrong with the options: every problem, each naming the option. */
export class InvalidServiceOptions extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`cannot generate the service: ${problems.join('; ')}`);
    this.name = 'InvalidServiceOptions';
  }
}

const NAME = /^[a-z]([-a-z0-9]{0,50}[a-z0-9])?-service$/;

/**
 * Checks the options against the workloads and topics that exist and fills the defaults: the
 * port after the highest one in use, `gateway` as the reader.
 * @throws InvalidServiceOptions naming every problem.
 */
export function serviceOptions(
  schema: ServiceGeneratorSchema,
  workloads: readonly ExistingWorkload[],
  declared: readonly DeclaredTopic[],
  now: number,
): ServiceOptions {
  const byTopic = new Map(declared.map((each) => [each.topic, each]));
  const problems: string[] = [];
  const name = schema.name.trim();
  const names = new Set(workloads.map((workload) => workload.name));
  if (!NAME.test(name)) problems.push(`name "${name}": lower-case letters, digits and dashes, ending in -service (e.g. review-service)`);
  if (names.has(name)) problems.push(`name "${name}": apps/${name} already exists`);
  const upstreams = list(schema.upstreams);
  for (const upstream of upstreams) if (!names.has(upstream)) problems.push(`--upstreams: no workload "${upstream}" (there are ${[...names].join(', ')})`);
  if (upstreams.includes(name)) problems.push('--upstreams: a workload does not call itself through the mesh');
  const callers = list(schema.callers ?? 'gateway');
  if (callers.length === 0) problems.push('--callers: name at least one workload that may read its items');
  for (const caller of callers) if (!names.has(caller)) problems.push(`--callers: no workload "${caller}"`);
  const consumes = unique(list(schema.consumes));
  for (const topic of consumes)
    if (!byTopic.has(topic)) problems.push(`--consumes: no topic "${topic}" in @meshmart/contracts (there are ${[...byTopic.keys()].join(', ')})`);
  if (consumes.length > 0 && !schema.database) problems.push('--consumes needs --database: a consumer keeps its inbox (exactly-once) in its database');
  const port = schema.port ?? Math.max(8079, ...workloads.map((workload) => workload.port)) + 1;
  const taken = workloads.find((workload) => workload.port === port);
  if (taken) problems.push(`--port ${port}: ${taken.name} listens there`);
  if (!Number.isInteger(port) || port < 1024 || port > 49151) problems.push(`--port ${port}: an integer from 1024 to 49151`);
  const stem = name.replace(/-service$/, '');
  const snakeStem = stem.replaceAll('-', '_');
  const database = schema.database ? `meshmart_${snakeStem}` : undefined;
  const owner = database && workloads.find((workload) => workload.database === database);
  if (owner) problems.push(`--database: ${database} is ${owner.name}'s`);
  if (problems.length > 0) throw new InvalidServiceOptions(problems);
  const words = stem.split('-');
  const className = words.map(capitalized).join('');
  return {
    name,
    stem,
    className,
    propertyName: className.charAt(0).toLowerCase() + className.slice(1),
    title: `${words.join(' ')} service`,
    description: `the ${words.join(' ')} workload of the platform; its items are read by ${callers.join(', ')} and written by the operator.`,
    port,
    upstreams: unique(upstreams),
    consumes,
    // Every topic was found above (a missing one is a problem, thrown).
    consumers: consumes.map((topic) => consumedTopic(name, byTopic.get(topic) as DeclaredTopic)),
    metricStem: snakeStem,
    ...(database ? { database } : {}),
    callers: unique(callers),
    timestamp: now,
  };
}

function consumedTopic(name: string, { topic, key, eventTypes }: DeclaredTopic): ConsumedTopic {
  return { topic, topicStem: key, topicClass: capitalized(key), group: `${name}.${key}`, eventTypes };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function capitalized(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
