import { randomBytes } from 'node:crypto';
import { type Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, ensureTopics, KafkaNames } from '@meshmart/messaging';
import { runMeshmart } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';

/** `meshmart kafka drop`, run as startPlatform runs it, against the shared broker. */
describe('meshmart kafka drop (real broker)', () => {
  const mine = new KafkaNames(`kafka-drop-${randomBytes(3).toString('hex')}.`);
  // A neighbour whose names begin like ours but not with our prefix: it must survive.
  const neighbour = `${mine.prefix.slice(0, -1)}x.orders.v1`;
  let brokers: string[];
  let kafka: Kafka;

  beforeAll(async () => {
    brokers = (await useStack()).kafka.brokers;
    kafka = createKafka({ clientId: 'kafka-drop-spec', brokers, logLevel: logLevel.NOTHING });
    await ensureTopics(
      kafka,
      [mine.onBroker('orders.v1'), mine.onBroker('orders.v1.dlq'), neighbour].map((topic) => ({ topic, numPartitions: 1 })),
    );
    // A group that has committed an offset exists on the broker until it is deleted.
    const admin = kafka.admin();
    await admin.connect();
    await admin.setOffsets({
      groupId: mine.onBroker('order-service.checkout-saga'),
      topic: mine.onBroker('orders.v1'),
      partitions: [{ partition: 0, offset: '0' }],
    });
    await admin.disconnect();
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [neighbour] }).catch(() => undefined);
    await admin.disconnect();
  });

  it("deletes the prefix's topics and consumer groups, and nothing else", async () => {
    const run = await runMeshmart(['kafka', 'drop', mine.prefix], { env: { ...process.env, KAFKA_BROKERS: brokers.join(',') } });
    expect({ code: run.code, stdout: run.stdout.trim() }).toEqual({ code: 0, stdout: `kafka: dropped 2 topics and 1 consumer groups under "${mine.prefix}"` });

    const admin = kafka.admin();
    await admin.connect();
    try {
      const topics = await admin.listTopics();
      expect(topics.filter((topic) => topic.startsWith(mine.prefix))).toEqual([]);
      expect(topics).toContain(neighbour);
      const { groups } = await admin.listGroups();
      expect(groups.filter(({ groupId }) => groupId.startsWith(mine.prefix))).toEqual([]);
    } finally {
      await admin.disconnect();
    }

    const again = await runMeshmart(['kafka', 'drop', mine.prefix], { env: { ...process.env, KAFKA_BROKERS: brokers.join(',') } });
    expect(again.stdout.trim()).toBe(`kafka: dropped 0 topics and 0 consumer groups under "${mine.prefix}"`);
  }, 60_000);
});
