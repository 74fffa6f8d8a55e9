import { randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterTopic } from '@meshmart/contracts';
import { MeshMetrics } from '@meshmart/mesh';
import { eventually, useStack } from '@meshmart/testing';
import { readConsumerLag } from './consumer-lag';
import { type RunningConsumer, startEventConsumer } from './event-consumer';
import { createKafka } from './kafka-client';
import { outboxProducerConfig } from './kafka-outbox-publisher';
import { ensureTopics } from './topics';

const scrape = new MeshMetrics({ processMetrics: false });

/** The value of one series as a `/metrics` scrape shows it; undefined when it does not exist. */
async function sample(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of (await scrape.metricsText()).split('\n')) {
    const match = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] === name && wanted.every((pair) => match[2]?.split(',').includes(pair))) return Number(match[3]);
  }
  return undefined;
}

const envelope = (type: string) =>
  JSON.stringify({ id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), aggregateId: randomUUID(), data: {} });

describe('event consumer metrics (real broker)', () => {
  const topic = `meshmart.test.consumer-metrics.${randomUUID()}`;
  const groupId = `consumer-metrics-${randomUUID()}`;
  let kafka: ReturnType<typeof createKafka>;
  let running: RunningConsumer | undefined;

  beforeAll(async () => {
    kafka = createKafka({ clientId: 'consumer-metrics-spec', brokers: (await useStack()).kafka.brokers, logLevel: logLevel.NOTHING });
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }]);
  });

  afterAll(async () => {
    await running?.stop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).catch(() => undefined);
    await admin.disconnect();
  });

  it('reports the lag of a group from the broker: everything unconsumed, then nothing once committed', async () => {
    // Idempotent producers: a send retried under load must not write a message twice, or the counts below would be off.
    const producer = kafka.producer(outboxProducerConfig());
    await producer.connect();
    await producer.send({ topic, messages: [0, 1, 2, 3, 4].map((i) => ({ partition: i % 2, value: envelope('Handled') })) });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      // The group has committed nothing yet: its lag is every message of each partition.
      expect(await readConsumerLag(admin, groupId, [topic])).toEqual([
        { topic, partition: 0, lag: 3 },
        { topic, partition: 1, lag: 2 },
      ]);
    } finally {
      await admin.disconnect();
    }
  });

  it('counts handled and dead-lettered messages by group, topic and reason, and publishes the lag gauge', async () => {
    const handled: string[] = [];
    running = await startEventConsumer({
      kafka,
      groupId,
      topics: [topic],
      initialBackoffMs: 10,
      lagIntervalMs: 200,
      handle: async ({ envelope: event }) => {
        // An error nobody marked or recognises is poison: parked at once, not retried.
        if (event.type === 'Broken') throw new Error('cannot apply');
        handled.push(event.id);
      },
    });
    // Before anything arrives, every series is there at 0 (dead letters of each reason included).
    expect(await sample('meshmart_kafka_dead_letters_total', { consumergroup: groupId, topic, reason: 'not_retryable' })).toBe(0);
    expect(await sample('meshmart_kafka_consumer_retrying_partitions', { consumergroup: groupId, topic })).toBe(0);

    const producer = kafka.producer(outboxProducerConfig());
    await producer.connect();
    await producer.send({ topic, messages: [{ value: 'not json' }, { value: envelope('Broken') }] });
    await producer.disconnect();

    await eventually(async () => {
      expect(handled).toHaveLength(5);
      expect(await sample('meshmart_kafka_messages_consumed_total', { consumergroup: groupId, topic, outcome: 'handled' })).toBe(5);
      expect(await sample('meshmart_kafka_messages_consumed_total', { consumergroup: groupId, topic, outcome: 'dead_lettered' })).toBe(2);
      expect(await sample('meshmart_kafka_dead_letters_total', { consumergroup: groupId, topic, reason: 'invalid_envelope' })).toBe(1);
      expect(await sample('meshmart_kafka_dead_letters_total', { consumergroup: groupId, topic, reason: 'not_retryable' })).toBe(1);
    });
    // Once the offsets are committed, the broker says the group is caught up on both partitions.
    await eventually(async () => {
      expect(await sample('kafka_consumergroup_lag', { consumergroup: groupId, topic, partition: '0' })).toBe(0);
      expect(await sample('kafka_consumergroup_lag', { consumergroup: groupId, topic, partition: '1' })).toBe(0);
    });
  });
});
