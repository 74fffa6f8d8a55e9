import { type Kafka, logLevel } from 'kafkajs';
import { createKafka, KafkaNames } from '@meshmart/messaging';
import { type CommandOutput, consoleOutput, UsageError, readCommandLine } from '../command-line/command-line';

export const kafkaUsage = `usage: meshmart kafka drop <prefix>

  drop <prefix>   delete the topics and consumer groups whose names begin with <prefix>: what a platform
                  started with KAFKA_PREFIX=<prefix> made (startPlatform({ kafkaPrefix }) does it when it stops)

  <prefix> ends in "." or "-" (e2e-3fa1c2.), so that a slip cannot take every topic of the broker.
  The broker is KAFKA_BROKERS, else the local stack's.`;

/**
 * `meshmart kafka drop <prefix>`: removes a platform's own Kafka names from a shared broker.
 * @returns the exit code: 0 done (also when nothing had the prefix), 2 bad command line.
 */
export async function runKafkaCommand(argv: readonly string[], brokers: readonly string[], output: CommandOutput = consoleOutput): Promise<number> {
  const line = readCommandLine('kafka', kafkaUsage, argv, parseKafkaArgs, output);
  if ('exitCode' in line) return line.exitCode;
  const prefix = line.parsed;
  const kafka = createKafka({ clientId: 'meshmart-kafka', brokers, logLevel: logLevel.NOTHING, retries: 3 });
  const dropped = await dropKafkaNames(kafka, prefix);
  output.info(`kafka: dropped ${dropped.topics.length} topics and ${dropped.groups.length} consumer groups under "${prefix}"`);
  return 0;
}

/** The prefix of `kafka drop <prefix>`; a `UsageError` saying what is wrong otherwise. */
export function parseKafkaArgs(argv: readonly string[]): string {
  const [action, prefix, ...rest] = argv;
  if (action !== 'drop') throw new UsageError(action === undefined ? 'say what to do: drop <prefix>' : `unknown action "${action}": drop <prefix>`);
  if (prefix === undefined) throw new UsageError('drop needs the prefix, e.g. e2e-3fa1c2.');
  if (rest.length > 0) throw new UsageError(`one prefix at a time, not also ${rest.join(' ')}`);
  try {
    new KafkaNames(prefix);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!/^.+[.-]$/.test(prefix)) throw new UsageError(`"${prefix}" must end in "." or "-", so that it names one platform's topics and groups`);
  return prefix;
}

/** Deletes the consumer groups, then the topics, whose names begin with `prefix`; says which. */
export async function dropKafkaNames(kafka: Kafka, prefix: string): Promise<{ topics: string[]; groups: string[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const groups = (await admin.listGroups()).groups.map(({ groupId }) => groupId).filter((groupId) => groupId.startsWith(prefix));
    if (groups.length > 0) await admin.deleteGroups(groups);
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    return { topics: topics.sort(), groups: groups.sort() };
  } finally {
    await admin.disconnect();
  }
}
