import { randomUUID } from 'node:crypto';
import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { useStack } from '@meshmart/testing';
import { createKafka } from './kafka-client';
import { ensureTopics } from './topics';

describe('ensureTopics', () => {
  it('creates topics ready for use at once, and is a no-op the second time', async () => {
    const kafka = createKafka({ clientId: 'topics-spec', brokers: (await useStack()).kafka.brokers, logLevel: logLevel.NOTHING });
    const topics = [0, 1, 2].map((i) => ({ topic: `meshmart.test.ensure.${randomUUID()}.${i}`, numPartitions: 3 }));
    await ensureTopics(kafka, topics);
    // Produced to right away: every partition of every topic has a leader already.
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      for (const { topic } of topics) {
        for (const partition of [0, 1, 2]) {
          const [record] = await producer.send({ topic, messages: [{ partition, value: 'x' }] });
          expect(record?.errorCode).toBe(0);
        }
      }
      await ensureTopics(kafka, topics);
    } finally {
      await producer.disconnect();
      const admin = kafka.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: topics.map((t) => t.topic) });
      await admin.disconnect();
    }
  });
});
