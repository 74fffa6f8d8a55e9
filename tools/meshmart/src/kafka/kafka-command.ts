import { setTimeout as sleep } from 'node:timers/promises';
import { type Kafka, logLevel } from 'kafkajs';
import { deadLetterTopic, topics, workloads } from '@meshmart/contracts';
import { consumerGroupTimings, createKafka, KafkaNames } from '@meshmart/messaging';
import { type CommandOutput, consoleOutput, UsageError, readCommandLine } from '../command-line/command-line';

export const kafkaUsage = `usage: meshmart kafka drop <prefix>

  drop <prefix>   delete what a platform started with KAFKA_PREFIX=<prefix> made: the event topics, their
                  dead-letter topics and the workloads' consumer groups under it (startPlatform({ kafkaPrefix })
                  does it when it stops). Other names that begin with <prefix> are left alone.

  <prefix> ends in "." or "-" (e2e-3fa1c2.) and begins no name of its own: orders. or order-service. are refused.
  The broker is KAFKA_BROKERS, else the local stack's.`;

/** How long a group with members is waited for: a member killed without leaving holds it for its session timeout. */
const GROUP_EMPTY_WAIT_MS = consumerGroupTimings.sessionTimeout + 5_000;

/**
 * `meshmart kafka drop <prefix>`: removes a platform's own Kafka names from a shared broker.
 * @returns the exit code: 0 done (also when nothing had the prefix), 1 a group still had members, 2 bad command line;
 * an unreachable broker throws (exit 1 from main).
 */
export async function runKafkaCommand(argv: readonly string[], brokers: readonly string[], output: CommandOutput = consoleOutput): Promise<number> {
  const line = readCommandLine('kafka', kafkaUsage, argv, parseKafkaArgs, output);
  if ('exitCode' in line) return line.exitCode;
  const prefix = line.parsed;
  const kafka = createKafka({ clientId: 'meshmart-kafka', brokers, logLevel: logLevel.NOTHING, retries: 3 });
  const dropped = await dropKafkaNames(kafka, new KafkaNames(prefix));
  output.info(`kafka: dropped ${dropped.topics.length} topics and ${dropped.groups.length} consumer groups under "${prefix}"`);
  if (dropped.busyGroups.length === 0) return 0;
  output.error(`meshmart kafka: ${dropped.busyGroups.join(', ')} still had members after ${GROUP_EMPTY_WAIT_MS / 1000}s: left in place`);
  return 1;
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
  const shared = writtenNames().find((name) => name.startsWith(prefix));
  if (shared) throw new UsageError(`"${prefix}" begins ${shared}, a name every platform uses: give the platform's own prefix`);
  return prefix;
}

/** What the platform's services put under their prefix: the event topics and their dead-letter topics, whole, and groups beginning `<workload>.`. */
const writtenTopics: readonly string[] = [...Object.values(topics), ...Object.values(topics).map(deadLetterTopic)];
const groupBeginnings: readonly string[] = workloads.map((workload) => `${workload}.`);

function writtenNames(): string[] {
  return [...writtenTopics, ...groupBeginnings];
}

/** Whether `name` on the broker is one of the platform's own under `names`' prefix. */
function isPlatformName(names: KafkaNames, name: string): boolean {
  if (!name.startsWith(names.prefix)) return false;
  const written = names.asWritten(name);
  return writtenTopics.includes(written) || groupBeginnings.some((beginning) => written.startsWith(beginning));
}

/**
 * Deletes the platform's topics, then its consumer groups, waiting for a group whose members have
 * not all left (a killed member holds it for its session timeout). Names deleted meanwhile by
 * someone else are no error.
 */
export async function dropKafkaNames(kafka: Kafka, names: KafkaNames): Promise<{ topics: string[]; groups: string[]; busyGroups: string[] }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ours = (await admin.listTopics()).filter((topic) => isPlatformName(names, topic)).sort();
    if (ours.length > 0)
      await admin.deleteTopics({ topics: ours }).catch(async (error: unknown) => {
        // Another drop (or the broker's own metadata) may have gone first: an error only if one is still there.
        const left = (await admin.listTopics()).filter((topic) => ours.includes(topic));
        if (left.length > 0) throw error;
      });
    const groups = (await admin.listGroups()).groups
      .map(({ groupId }) => groupId)
      .filter((groupId) => isPlatformName(names, groupId))
      .sort();
    const deleted: string[] = [];
    let waiting = groups;
    const deadline = Date.now() + GROUP_EMPTY_WAIT_MS;
    for (;;) {
      const described = waiting.length === 0 ? [] : (await admin.describeGroups(waiting)).groups;
      const empty = described.filter(({ state }) => state === 'Empty').map(({ groupId }) => groupId);
      // `Dead`: deleted meanwhile by someone else.
      const gone = described.filter(({ state }) => state === 'Dead').map(({ groupId }) => groupId);
      if (empty.length > 0) {
        await admin.deleteGroups(empty);
        deleted.push(...empty);
      }
      waiting = waiting.filter((groupId) => !empty.includes(groupId) && !gone.includes(groupId));
      if (waiting.length === 0 || Date.now() > deadline) break;
      await sleep(500);
    }
    return { topics: ours, groups: deleted.sort(), busyGroups: waiting };
  } finally {
    await admin.disconnect();
  }
}
