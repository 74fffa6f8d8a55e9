import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigResourceTypes, type Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useStack } from '@meshmart/testing';
import { createKafka } from './kafka-client';
import { ensureTopics } from './topics';

/**
 * kafkajs 2.2.4 against the stack's broker, request by request: every Kafka API the platform
 * uses must negotiate a version both sides support (see infra/kafka/README.md).
 */
describe('kafkajs speaks to the broker', () => {
  let kafka: Kafka;
  const topic = `meshmart.test.compat.${randomUUID()}`;
  const groupId = `compat-${randomUUID()}`;
  const admin = () => kafka.admin();

  beforeAll(async () => {
    kafka = createKafka({ clientId: 'compat-spec', brokers: (await useStack()).kafka.brokers, logLevel: logLevel.NOTHING });
    await ensureTopics(kafka, [{ topic, numPartitions: 2 }]);
  });

  afterAll(async () => {
    const a = admin();
    await a.connect();
    await a.deleteTopics({ topics: [topic] });
    expect(await a.listTopics()).not.toContain(topic);
    await a.disconnect();
  });

  it('admin: metadata, offsets, configs, partitions', async () => {
    const a = admin();
    await a.connect();
    try {
      expect((await a.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions).toHaveLength(2);
      expect(await a.fetchTopicOffsets(topic)).toHaveLength(2);
      expect(await a.fetchTopicOffsetsByTimestamp(topic, Date.now())).toHaveLength(2);
      const configs = await a.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }] });
      expect(configs.resources[0]?.configEntries.some((entry) => entry.configName === 'cleanup.policy')).toBe(true);
      await a.createPartitions({ topicPartitions: [{ topic, count: 3 }] });
      expect((await a.fetchTopicMetadata({ topics: [topic] })).topics[0]?.partitions).toHaveLength(3);
    } finally {
      await a.disconnect();
    }
  });

  it('producers: idempotent and transactional', async () => {
    const idempotent = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await idempotent.connect();
    const [sent] = await idempotent.send({ topic, messages: [{ key: 'order-1', value: 'idempotent' }] });
    expect(sent?.errorCode).toBe(0);
    await idempotent.disconnect();

    const transactional = kafka.producer({ transactionalId: `compat-${randomUUID()}`, idempotent: true, maxInFlightRequests: 1 });
    await transactional.connect();
    const tx = await transactional.transaction();
    await tx.send({ topic, messages: [{ key: 'order-1', value: 'transactional' }] });
    await tx.commit();
    await transactional.disconnect();
  });

  it('consumer group: join, fetch, commit, describe, reset', async () => {
    const consumer = kafka.consumer({ groupId });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value?.toString() ?? '') });
    const deadline = Date.now() + 30_000;
    while (seen.length < 2 && Date.now() < deadline) await sleep(100);
    expect(seen).toEqual(['idempotent', 'transactional']);
    await consumer.commitOffsets([]);
    await consumer.disconnect();

    const a = admin();
    await a.connect();
    try {
      const [committed] = await a.fetchOffsets({ groupId, topics: [topic] });
      const total = (committed?.partitions ?? []).reduce((sum, partition) => sum + Math.max(0, Number(partition.offset)), 0);
      // Two records plus the transaction's commit marker on the same partition.
      expect(total).toBeGreaterThanOrEqual(2);
      const { groups } = await a.describeGroups([groupId]);
      expect(groups[0]?.groupId).toBe(groupId);
      expect((await a.listGroups()).groups.map((group) => group.groupId)).toContain(groupId);
      await a.resetOffsets({ groupId, topic, earliest: true });
      const [reset] = await a.fetchOffsets({ groupId, topics: [topic] });
      expect(reset?.partitions.every((partition) => Number(partition.offset) <= 0)).toBe(true);
    } finally {
      await a.disconnect();
    }
  });
});
