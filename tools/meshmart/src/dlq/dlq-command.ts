import { parseArgs } from 'node:util';
import { type Kafka, logLevel } from 'kafkajs';
import { deadLetterTopic } from '@meshmart/contracts';
import { createKafka, deadLetterHeader } from '@meshmart/messaging';
import { type CommandOutput, consoleOutput, textTable, UsageError, readCommandLine } from '../command-line/command-line';
import { DeadLetterTopicMissing, type ParkedMessage, readDeadLetters } from './dead-letter-log';
import { replayDeadLetters } from './dead-letter-replay';
import { redactedPayload } from './redacted-payload';

export const dlqUsage = `usage: meshmart dlq <list|show|replay> <topic> …

  list <topic>                       the messages parked on <topic>.dlq: offset, key, reason, time, replayed
  show <topic> <offset>              one parked message: its headers and payload (secrets redacted)
  replay <topic> --offset N | --all  re-drive parked messages to <topic>; one already replayed is skipped

  <topic> is the original topic (orders.v1), not the .dlq one. The broker is KAFKA_BROKERS, else the local stack's.`;

type DlqRequest =
  | { action: 'list'; topic: string }
  | { action: 'show'; topic: string; offset: string }
  | { action: 'replay'; topic: string; offsets: readonly string[] | 'all' };

/**
 * `meshmart dlq`: inspect and re-drive what consumers parked on `<topic>.dlq`.
 * @returns the exit code: 0 done, 1 failed (broker, missing topic or offset), 2 bad command line.
 */
export async function runDlqCommand(argv: readonly string[], brokers: readonly string[], output: CommandOutput = consoleOutput): Promise<number> {
  const line = readCommandLine('dlq', dlqUsage, argv, parseDlqArgs, output);
  if ('exitCode' in line) return line.exitCode;
  const request = line.parsed;
  const kafka = createKafka({ clientId: 'meshmart-dlq', brokers, logLevel: logLevel.NOTHING, retries: 3 });
  try {
    return await run(kafka, request, output);
  } catch (error) {
    if (!(error instanceof DeadLetterTopicMissing)) throw error;
    output.error(`meshmart dlq: ${error.message}`);
    return 1;
  }
}

async function run(kafka: Kafka, request: DlqRequest, output: CommandOutput): Promise<number> {
  const parked = await readDeadLetters(kafka, request.topic);
  if (request.action === 'list') {
    output.info(`${deadLetterTopic(request.topic)}: ${parked.length} parked, ${parked.filter((m) => m.replayedAt).length} replayed`);
    if (parked.length > 0) output.info(table(parked));
    return 0;
  }
  if (request.action === 'show') {
    const message = parked.find((m) => m.offset === request.offset);
    if (!message) {
      output.error(`meshmart dlq: ${deadLetterTopic(request.topic)} has no parked message at offset ${request.offset}`);
      return 1;
    }
    for (const line of describe(message)) output.info(line);
    return 0;
  }
  const wanted = request.offsets === 'all' ? parked : request.offsets.map((offset) => parked.find((m) => m.offset === offset));
  const missing = request.offsets === 'all' ? [] : request.offsets.filter((_, i) => wanted[i] === undefined);
  if (missing.length > 0) {
    output.error(`meshmart dlq: ${deadLetterTopic(request.topic)} has no parked message at offset ${missing.join(', ')}`);
    return 1;
  }
  const result = await replayDeadLetters(kafka, request.topic, wanted as ParkedMessage[]);
  for (const message of result.replayed) output.info(`replayed ${deadLetterTopic(request.topic)}@${message.offset} to ${sourceTopic(message, request.topic)}`);
  for (const message of result.skipped)
    output.info(`skipped ${deadLetterTopic(request.topic)}@${message.offset}: already replayed at ${message.replayedAt?.toISOString() ?? '?'}`);
  output.info(`replay: ${result.replayed.length} re-driven, ${result.skipped.length} already replayed`);
  return 0;
}

export function parseDlqArgs(argv: readonly string[]): DlqRequest {
  const { positionals, values } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { offset: { type: 'string', multiple: true }, all: { type: 'boolean' } },
  });
  const [action, topic, offset, ...extra] = positionals;
  if (action !== 'list' && action !== 'show' && action !== 'replay')
    throw new UsageError(action === undefined ? 'say what to do: list, show or replay' : `unknown action "${action}": use list, show or replay`);
  if (topic === undefined) throw new UsageError(`${action} needs a topic, e.g. orders.v1`);
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(topic)) throw new UsageError(`"${topic}" is not a Kafka topic name`);
  if (topic.endsWith('.dlq')) throw new UsageError(`give the original topic (${topic.slice(0, -'.dlq'.length)}), not its dead-letter topic`);
  const unexpected = action === 'show' ? extra : [offset, ...extra].filter((each) => each !== undefined);
  if (unexpected.length > 0) throw new UsageError(`unexpected argument "${unexpected[0]}"`);
  if (action !== 'replay' && (values.offset || values.all)) throw new UsageError(`--offset and --all belong to replay`);
  if (action === 'list') return { action, topic };
  if (action === 'show') {
    if (offset === undefined) throw new UsageError('show needs an offset: meshmart dlq show <topic> <offset>');
    return { action, topic, offset: checkedOffset(offset) };
  }
  if (values.all && values.offset) throw new UsageError('replay takes --offset N or --all, not both');
  if (values.all) return { action, topic, offsets: 'all' };
  if (!values.offset) throw new UsageError('replay needs --offset N (repeatable) or --all');
  return { action, topic, offsets: values.offset.map(checkedOffset) };
}

function checkedOffset(text: string): string {
  if (!/^\d{1,19}$/.test(text)) throw new UsageError(`"${text}" is not an offset (a whole number, 0 or more)`);
  return String(BigInt(text));
}

function table(parked: readonly ParkedMessage[]): string {
  const header = ['OFFSET', 'KEY', 'REASON', 'ERROR CODE', 'PARKED AT', 'REPLAYED AT'];
  const rows = [
    header,
    ...parked.map((m) => [
      m.offset,
      m.key ?? '-',
      m.headers[deadLetterHeader.reason] ?? '-',
      m.headers[deadLetterHeader.errorCode] ?? '-',
      m.timestamp.toISOString(),
      m.replayedAt?.toISOString() ?? '-',
    ]),
  ];
  return textTable(rows);
}

function describe(message: ParkedMessage): string[] {
  const { headers, payload } = redactedPayload({ headers: message.headers, value: message.value });
  return [
    `offset      ${message.offset}`,
    `key         ${message.key ?? '-'}`,
    `parked at   ${message.timestamp.toISOString()}`,
    `replayed at ${message.replayedAt?.toISOString() ?? '-'}`,
    'headers:',
    ...Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`),
    'payload:',
    payload,
  ];
}

export function sourceTopic(message: ParkedMessage, topic: string): string {
  return message.headers[deadLetterHeader.sourceTopic] ?? topic;
}
