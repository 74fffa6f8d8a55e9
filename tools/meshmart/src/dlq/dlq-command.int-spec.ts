import { randomUUID } from 'node:crypto';
import { type Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterTopic } from '@meshmart/contracts';
import { createKafka, outboxProducerConfig, type RunningConsumer, startEventConsumer } from '@meshmart/messaging';
import { runMeshmart } from '@meshmart/platform';
import { eventually, useStack } from '@meshmart/testing';

/** Each CLI run compiles the CLI and joins a throwaway group: seconds on a loaded machine, so the tests give them room. */
const CLI_TEST_MS = 60_000;

/**
 * `meshmart dlq` run as an operator runs it (the real CLI, a child process) against messages a
 * real consumer parked on the shared broker, in a topic of its own.
 */
describe('meshmart dlq (real broker)', () => {
  const topic = `meshmart.test.dlq-cli.${randomUUID()}`;
  const groupId = `dlq-cli-${randomUUID()}`;
  let brokers: string[];
  let kafka: Kafka;
  let consumer: RunningConsumer;
  /**
   * What the consumer applied, in order: each record once (`partition/offset` → event id). A
   * redelivery of the same record (at least once: a rebalance before its commit) is not a
   * second re-drive; a replay writes a new record, and that is what the replay tests count.
   */
  const appliedRecords = new Map<string, string>();
  const applied = () => [...appliedRecords.values()];
  let healed = false;
  const ids = { refused: randomUUID(), secret: randomUUID() };

  const meshmart = (...args: string[]) => runMeshmart(['dlq', ...args], { env: { ...process.env, KAFKA_BROKERS: brokers.join(',') }, timeoutMs: 90_000 });

  beforeAll(async () => {
    brokers = (await useStack()).kafka.brokers;
    kafka = createKafka({ clientId: 'dlq-cli-spec', brokers, logLevel: logLevel.NOTHING });
    consumer = await startEventConsumer({
      kafka,
      groupId,
      topics: [topic],
      handle: async ({ envelope, partition, offset }) => {
        // Refused until "the cause is fixed": then a replay applies it.
        if (envelope.id === ids.refused && !healed) throw Object.assign(new Error('no such product'), { retryable: false });
        appliedRecords.set(`${partition}/${offset}`, envelope.id);
      },
    });
    const producer = kafka.producer(outboxProducerConfig());
    await producer.connect();
    const event = (id: string, data: unknown) =>
      JSON.stringify({ id, type: 'Counted', version: 1, occurredAt: new Date().toISOString(), aggregateId: 'agg-1', data });
    // One partition key, so the three are parked in this order: offsets 0, 1, 2.
    await producer.send({
      topic,
      messages: [
        { key: 'agg-1', value: 'not json at all', headers: { authorization: 'Bearer super-secret' } },
        { key: 'agg-1', value: event(ids.refused, {}) },
        { key: 'agg-1', value: event(ids.secret, { password: 'hunter2' }) },
      ],
    });
    await producer.disconnect();
    await eventually(() => expect(applied()).toEqual([ids.secret]));
  }, 60_000);

  afterAll(async () => {
    await consumer?.stop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    await admin.disconnect();
  });

  it(
    'list: the parked messages with offset, key, reason and time',
    async () => {
      const { code, stdout } = await meshmart('list', topic);
      expect(code).toBe(0);
      const lines = stdout.trim().split('\n');
      expect(lines[0]).toBe(`${deadLetterTopic(topic)}: 2 parked, 0 replayed`);
      expect(lines[1]).toMatch(/^OFFSET\s+KEY\s+REASON\s+ERROR CODE\s+PARKED AT\s+REPLAYED AT$/);
      expect(lines[2]).toMatch(/^0\s+agg-1\s+invalid_envelope\s+SyntaxError\s+\d{4}-\d\d-\d\dT\S+Z\s+-$/);
      expect(lines[3]).toMatch(/^1\s+agg-1\s+not_retryable\s+Error\s+\d{4}-\d\d-\d\dT\S+Z\s+-$/);
      expect(lines).toHaveLength(4);
    },
    CLI_TEST_MS,
  );

  it(
    'show: the headers and the payload, secrets never printed',
    async () => {
      const garbage = await meshmart('show', topic, '0');
      expect(garbage.code).toBe(0);
      expect(garbage.stdout).toContain('authorization: [Redacted]');
      expect(garbage.stdout).toContain('dlq-reason: invalid_envelope');
      expect(garbage.stdout).toContain(`dlq-source-topic: ${topic}`);
      expect(garbage.stdout).toContain('(not JSON) "not json at all"');
      expect(garbage.stdout).not.toContain('super-secret');

      const refused = await meshmart('show', topic, '1');
      expect(refused.stdout).toContain('dlq-error: Error: no such product');
      expect(refused.stdout).toContain(`"id": "${ids.refused}"`);
    },
    CLI_TEST_MS,
  );

  it(
    'replay: re-drives to the original topic once, records it, and a second replay re-drives nothing',
    async () => {
      healed = true;
      const first = await meshmart('replay', topic, '--offset', '1');
      expect(first.stdout).toContain(`replayed ${deadLetterTopic(topic)}@1 to ${topic}`);
      expect(first.code).toBe(0);
      await eventually(() => expect(applied()).toEqual([ids.secret, ids.refused]), 30_000);

      const again = await meshmart('replay', topic, '--all');
      expect(again.code).toBe(0);
      expect(again.stdout).toContain(`skipped ${deadLetterTopic(topic)}@1: already replayed`);
      expect(again.stdout).toContain(`replayed ${deadLetterTopic(topic)}@0 to ${topic}`);
      expect(again.stdout).toContain('replay: 1 re-driven, 1 already replayed');
      // The garbage comes back as garbage and is parked again (offset 3 or 4, beside the marker of 0; 2 is the marker of 1); the refused event is not applied twice.
      const list = await eventuallyListed(3);
      expect(list).toMatch(/^0\s.*\s\d{4}-\S+Z$/m);
      expect(list).toMatch(/^1\s.*\s\d{4}-\S+Z$/m);
      expect(list).toMatch(/^[34]\s+agg-1\s+invalid_envelope\s.*\s-$/m);
      expect(applied()).toEqual([ids.secret, ids.refused]);

      const replayedMessage = await lastMessageOf(topic);
      expect(replayedMessage.headers?.['dlq-replayed-from']?.toString()).toBe(`${deadLetterTopic(topic)}/0/0`);
      expect(Object.keys(replayedMessage.headers ?? {}).filter((name) => name.startsWith('dlq-') && name !== 'dlq-replayed-from')).toEqual([]);
    },
    4 * CLI_TEST_MS,
  );

  async function eventuallyListed(parked: number): Promise<string> {
    let stdout = '';
    await eventually(async () => {
      stdout = (await meshmart('list', topic)).stdout;
      expect(stdout).toContain(`${parked} parked`);
    }, 2 * CLI_TEST_MS);
    return stdout;
  }

  async function lastMessageOf(name: string): Promise<KafkaMessage> {
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(name);
    await admin.disconnect();
    const newest = offsets.reduce((a, b) => (BigInt(a.high) > BigInt(b.high) ? a : b));
    const reader = kafka.consumer({ groupId: `dlq-cli-reader-${randomUUID()}` });
    await reader.connect();
    await reader.subscribe({ topics: [name], fromBeginning: true });
    const message = await new Promise<KafkaMessage>((resolve, reject) => {
      reader
        .run({
          eachMessage: async ({ partition, message: each }) =>
            void (partition === newest.partition && BigInt(each.offset) === BigInt(newest.high) - 1n && resolve(each)),
        })
        .catch(reject);
    });
    await reader.disconnect();
    return message;
  }

  it('bad arguments: one clear line on stderr, exit 2 (every case: dlq-command.spec.ts)', async () => {
    const { code, stdout, stderr } = await meshmart('show', topic, 'abc');
    expect({ code, stdout, stderr: stderr.trim() }).toEqual({
      code: 2,
      stdout: '',
      stderr: 'meshmart dlq: "abc" is not an offset (a whole number, 0 or more) (meshmart dlq --help)',
    });
  });

  it('a topic with nothing parked: says so, exit 1', async () => {
    const { code, stderr } = await meshmart('list', `meshmart.test.never-${randomUUID()}`);
    expect(code).toBe(1);
    expect(stderr).toMatch(/there is no topic meshmart\.test\.never-.*\.dlq/);
  });
});
