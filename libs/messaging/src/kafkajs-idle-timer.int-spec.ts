import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useStack } from '@meshmart/testing';
import { createKafka } from './kafka-client';
import { fixKafkajsIdleTimer } from './kafkajs-idle-timer';
import { ensureTopics } from './topics';

/** How many timers this process arms in `ms` of waiting. */
async function timersArmedWithin(ms: number): Promise<number> {
  const armed = vi.spyOn(globalThis, 'setTimeout');
  try {
    await sleep(ms);
    return armed.mock.calls.length - 1; // the sleep's own
  } finally {
    armed.mockRestore();
  }
}

describe("kafkajs connections through createKafka, against the stack's broker", () => {
  let kafka: Kafka;
  const topic = `meshmart.test.idle-timer.${randomUUID()}`;
  const admin = () => kafka.admin();

  beforeAll(async () => {
    kafka = createKafka({ clientId: 'idle-timer-spec', brokers: (await useStack()).kafka.brokers, logLevel: logLevel.NOTHING });
    await ensureTopics(kafka, [{ topic }]);
  });

  afterAll(async () => {
    const a = admin();
    await a.connect();
    await a.deleteTopics({ topics: [topic] });
    await a.disconnect();
  });

  it('run the kafkajs release the fix was written for (an upgrade must look at it again)', () => {
    expect(fixKafkajsIdleTimer()).toBe(true);
  });

  it('arm no timer while nothing waits to be sent, once they have answered requests', async () => {
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic, messages: [{ value: 'one' }] });
      await sleep(50);
      // Unfixed, each connection that has answered re-arms a 1 ms timer: hundreds in half a second.
      expect(await timersArmedWithin(500)).toBeLessThan(10);
    } finally {
      await producer.disconnect();
    }
  });

  it('still send every request that had to wait its turn (one in flight at a time)', async () => {
    const producer = kafka.producer({ maxInFlightRequests: 1 });
    await producer.connect();
    const a = admin();
    await a.connect();
    try {
      const before = Number((await a.fetchTopicOffsets(topic))[0]?.high);
      await Promise.all(Array.from({ length: 40 }, (_, i) => producer.send({ topic, messages: [{ value: `message ${i}` }] })));
      expect(Number((await a.fetchTopicOffsets(topic))[0]?.high)).toBe(before + 40);
    } finally {
      await a.disconnect();
      await producer.disconnect();
    }
  });
});
