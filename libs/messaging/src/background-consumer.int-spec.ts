import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterTopic } from '@meshmart/contracts';
import { StartUpConditions } from '@meshmart/mesh';
import { useStack } from '@meshmart/testing';
import { type BackgroundConsumer, startEventConsumerInBackground } from './background-consumer';
import { consumerGroupTimings } from './consumer-group-membership';
import { createKafka, createKafkaProbe } from './kafka-client';
import { outboxProducerConfig } from './kafka-outbox-publisher';
import { ensureTopics } from './topics';

const envelope = () =>
  JSON.stringify({ id: randomUUID(), type: 'Probe', version: 1, occurredAt: new Date().toISOString(), aggregateId: randomUUID(), data: {} });

async function until(met: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!met() && Date.now() < deadline) await sleep(50);
}

describe('event consumers started in the background (real broker)', () => {
  const topic = `meshmart.test.background-consumer.${randomUUID()}`;
  const groupId = `background-consumer-${randomUUID()}`;
  let brokers: string[];
  let kafka: ReturnType<typeof createKafka>;
  const consumers: BackgroundConsumer[] = [];
  const quiet = { warn: () => undefined, log: () => undefined };

  beforeAll(async () => {
    brokers = (await useStack()).kafka.brokers;
    kafka = createKafka({ clientId: 'background-consumer-spec', brokers, logLevel: logLevel.NOTHING });
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
  });

  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('holds readiness while it waits for its database and joins, and a member that stops leaves the group at once', async () => {
    const handled: { member: string; offset: string; partition: number }[] = [];
    const member = (name: string, startUp: StartUpConditions, after?: Promise<unknown>) =>
      startEventConsumerInBackground({
        kafka,
        groupId,
        topics: [topic],
        startUp,
        log: quiet,
        ...(after ? { after } : {}),
        handle: async ({ partition, offset }) => void handled.push({ member: name, partition, offset }),
      });

    let databaseUp: () => void = () => undefined;
    const database = new Promise<void>((resolve) => (databaseUp = resolve));
    const first = new StartUpConditions();
    consumers.push(member('first', first, database));
    const key = `kafka consumer ${groupId}`;
    expect(first.list()).toEqual([{ key, reason: 'waiting for the database', blocksTraffic: false }]);
    await sleep(500);
    expect(first.list()[0]?.reason).toBe('waiting for the database');
    databaseUp();
    await until(() => first.list()[0]?.reason === `joining ${topic}`, 5_000);
    await first.whenAllMet();

    const second = new StartUpConditions();
    const leaving = member('second', second);
    consumers.push(leaving);
    await second.whenAllMet();
    // The second member took partitions in the rebalance; it now stops (what SIGTERM does), leaving the group.
    await leaving.stop();
    const stoppedAt = Date.now();

    // One message per partition: all are handled by the first member well within a session timeout,
    // which a member that had not left would have held its partitions for.
    const producer = kafka.producer(outboxProducerConfig());
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [0, 1, 2].map((partition) => ({ partition, value: envelope() })) });
    await producer.disconnect();
    await until(() => new Set(handled.filter((h) => h.member === 'first').map((h) => h.partition)).size === 3, consumerGroupTimings.sessionTimeout * 2);
    const takeoverMs = Date.now() - stoppedAt;
    console.log(`the remaining member handled every partition ${takeoverMs} ms after the other left the group`);
    expect(new Set(handled.filter((h) => h.member === 'first').map((h) => h.partition))).toEqual(new Set([0, 1, 2]));
    expect(takeoverMs).toBeLessThan(consumerGroupTimings.sessionTimeout / 2);
    expect(handled.filter((h) => h.member === 'second')).toEqual([]);
  });

  it('waits with back-off while Kafka is unreachable, saying so in readiness, one log line per window', async () => {
    const unreachable = createKafka({ clientId: 'background-consumer-spec', brokers: ['127.0.0.1:1'], logLevel: logLevel.NOTHING });
    const startUp = new StartUpConditions();
    const warnings: { at: number; line: string }[] = [];
    const consumer = startEventConsumerInBackground({
      kafka: unreachable,
      probe: createKafkaProbe({ clientId: 'background-consumer-spec', brokers: ['127.0.0.1:1'] }),
      groupId: `${groupId}-unreachable`,
      topics: [topic],
      startUp,
      log: { warn: (line) => warnings.push({ at: Date.now(), line }), log: () => undefined },
      handle: async () => undefined,
    });
    consumers.push(consumer);
    await until(() => warnings.length >= 2, 30_000);
    expect(warnings[0]?.line).toMatch(
      new RegExp(`^kafka consumer ${groupId}-unreachable: kafka unreachable \\(1 try in \\d+s\\): .*ECONNREFUSED.*; next try in \\d+\\.\\ds$`),
    );
    // The second line sums up a window of tries: several of them, at least 10 s after the first line.
    const tries = Number(/\((\d+) tries in/.exec(warnings[1]?.line ?? '')?.[1]);
    expect(tries).toBeGreaterThanOrEqual(3);
    expect((warnings[1]?.at ?? 0) - (warnings[0]?.at ?? 0)).toBeGreaterThanOrEqual(10_000);
    expect(startUp.list()).toEqual([
      {
        key: `kafka consumer ${groupId}-unreachable`,
        reason: expect.stringMatching(new RegExp(`^kafka unreachable \\(${tries} tries in \\d+s\\)`)),
        blocksTraffic: false,
      },
    ]);
    await consumer.stop();
  }, 60_000);
});
