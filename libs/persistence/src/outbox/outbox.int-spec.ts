import { randomBytes, randomUUID } from 'node:crypto';
import { type Consumer, type Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventEnvelope, topics } from '@meshmart/contracts';
import { createKafka, ensureTopics, KafkaNames, KafkaOutboxPublisher, outboxProducerConfig } from '@meshmart/messaging';
import { type StackEndpoints, dropDatabases } from '@meshmart/platform';
import { useStack } from '@meshmart/testing';
import { claimMessage } from '../inbox/inbox';
import { openDataSource } from '../data-source/open-data-source';
import { appendToOutbox } from './outbox';
import { type OutboxPublisher, OutboxRelay } from './outbox-relay';

const database = `meshmart_outbox_${randomBytes(4).toString('hex')}`;
let stack: StackEndpoints;
let db: DataSource;
let kafka: Kafka;
/**
 * The spec's own names on the shared broker, as a platform with a KAFKA_PREFIX has them: the
 * outbox rows say `orders.v1`, the relay publishes to `<prefix>orders.v1`, and the spec reads
 * only its own events instead of the shared topic's whole history.
 */
const names = new KafkaNames(`outbox-spec-${randomBytes(3).toString('hex')}.`);
const ordersTopic = names.onBroker(topics.orders);

const failed = (orderId: string) => ({ orderId, userId: 'ada', reason: 'payment_declined' as const });

async function outboxRows(): Promise<number> {
  const [{ count }] = (await db.query('SELECT count(*)::int AS count FROM outbox')) as [{ count: number }];
  return count;
}

/** Reads the spec's orders topic from the start until `expected` events of the given aggregates arrived. */
async function consumeOrders(aggregates: ReadonlySet<string>, expected: number): Promise<EventEnvelope[]> {
  const consumer: Consumer = kafka.consumer({ groupId: `outbox-spec-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [ordersTopic], fromBeginning: true });
  const seen: EventEnvelope[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`saw ${seen.length} of ${expected} events`)), 30_000);
    void consumer.run({
      eachMessage: async ({ message }) => {
        const envelope = JSON.parse(message.value?.toString() ?? '{}') as EventEnvelope;
        if (!aggregates.has(envelope.aggregateId)) return;
        expect(message.key?.toString()).toBe(envelope.aggregateId);
        expect(message.headers?.['event-type']?.toString()).toBe(envelope.type);
        seen.push(envelope);
        if (seen.length >= expected) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  // Anything beyond `expected` would be a duplicate: give it a moment to show up.
  await new Promise((resolve) => setTimeout(resolve, 500));
  await consumer.disconnect();
  return seen;
}

beforeAll(async () => {
  stack = await useStack();
  kafka = createKafka({ clientId: 'outbox-spec', brokers: stack.kafka.brokers, logLevel: logLevel.NOTHING });
  await ensureTopics(kafka, [{ topic: ordersTopic, numPartitions: 3 }]);
  // Two instances of a service start at once: one migrates, the other waits and finds it done.
  const [first, second] = await Promise.all([1, 2].map(() => openDataSource({ url: stack.postgres.url, database, entities: [], migrations: [] })));
  await second?.destroy();
  db = first as DataSource;
});

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [ordersTopic] }).catch(() => undefined);
  await admin.disconnect();
  await db?.destroy();
  await dropDatabases(stack.postgres.url, [database]);
});

describe('openDataSource', () => {
  it('created the database and ran the outbox/inbox migration once, under the lock', async () => {
    const applied = (await db.query('SELECT name FROM schema_migrations')) as { name: string }[];
    expect(applied.map((row) => row.name)).toEqual(['OutboxAndInbox1764000000000']);
    expect(await outboxRows()).toBe(0);
  });
});

describe('the transactional outbox and its relay, against Postgres and Kafka', () => {
  it('publishes committed events once each, in order per aggregate, and never a rolled-back one', async () => {
    const [a, b, rolledBack] = [randomUUID(), randomUUID(), randomUUID()];
    for (let i = 0; i < 3; i++) {
      await db.transaction((tx) => appendToOutbox(tx, { type: 'OrderFailed', aggregateId: a, data: failed(a), correlationId: `a-${i}` }));
      await db.transaction((tx) => appendToOutbox(tx, { type: 'OrderFailed', aggregateId: b, data: failed(b), correlationId: `b-${i}` }));
    }
    await expect(
      db.transaction(async (tx) => {
        await appendToOutbox(tx, { type: 'OrderFailed', aggregateId: rolledBack, data: failed(rolledBack) });
        throw new Error('the state change failed');
      }),
    ).rejects.toThrow('the state change failed');
    expect(await outboxRows()).toBe(6);

    const producer = kafka.producer(outboxProducerConfig());
    await producer.connect();
    // Two relays on one database (two instances): the lock lets one publish at a time.
    const relays = [1, 2].map(() => new OutboxRelay(db, new KafkaOutboxPublisher(producer, names), { batchSize: 2, pollIntervalMs: 50 }).start());
    const events = await consumeOrders(new Set([a, b, rolledBack]), 6);
    await Promise.all(relays.map((relay) => relay.stop()));
    await producer.disconnect();

    expect(events).toHaveLength(6);
    expect(events.filter((e) => e.aggregateId === a).map((e) => e.correlationId)).toEqual(['a-0', 'a-1', 'a-2']);
    expect(events.filter((e) => e.aggregateId === b).map((e) => e.correlationId)).toEqual(['b-0', 'b-1', 'b-2']);
    expect(new Set(events.map((e) => e.id)).size).toBe(6);
    expect(relays.reduce((sum, relay) => sum + relay.published, 0)).toBe(6);
    expect(await outboxRows()).toBe(0);
  });

  it('keeps events through a broker outage and a relay restart', async () => {
    const id = randomUUID();
    await db.transaction((tx) => appendToOutbox(tx, { type: 'OrderFailed', aggregateId: id, data: failed(id) }));
    const errors: unknown[] = [];
    const down: OutboxPublisher = { publish: () => Promise.reject(new Error('broker unreachable')) };
    const failing = new OutboxRelay(db, down, { pollIntervalMs: 20, retryDelayMs: 20, onError: (error) => errors.push(error) }).start();
    await expect.poll(() => errors.length).toBeGreaterThan(2);
    await failing.stop();
    expect(await outboxRows()).toBe(1);

    const producer = kafka.producer(outboxProducerConfig());
    await producer.connect();
    const relay = new OutboxRelay(db, new KafkaOutboxPublisher(producer, names)).start();
    const [event] = await consumeOrders(new Set([id]), 1);
    await relay.stop();
    await producer.disconnect();
    expect(event).toMatchObject({ type: 'OrderFailed', aggregateId: id, version: 1, data: failed(id) });
    expect(await outboxRows()).toBe(0);
  });

  it('refuses an event whose payload breaks its contract, and with it the state change', async () => {
    const id = randomUUID();
    await expect(
      db.transaction((tx) => appendToOutbox(tx, { type: 'OrderFailed', aggregateId: id, data: { ...failed(id), reason: 'bored' as never } })),
    ).rejects.toThrow(/reason/);
    expect(await outboxRows()).toBe(0);
  });
});

describe('the inbox', () => {
  it('lets exactly one of many concurrent claims of a message through', async () => {
    const messageId = randomUUID();
    const claims = await Promise.all([1, 2, 3, 4].map(() => db.transaction((tx) => claimMessage(tx, 'spec-consumer', messageId))));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await db.transaction((tx) => claimMessage(tx, 'spec-consumer', messageId))).toBe(false);
    expect(await db.transaction((tx) => claimMessage(tx, 'other-consumer', messageId))).toBe(true);
  });

  it('forgets a claim whose transaction rolled back, so the message is applied later', async () => {
    const messageId = randomUUID();
    await expect(
      db.transaction(async (tx) => {
        expect(await claimMessage(tx, 'spec-consumer', messageId)).toBe(true);
        throw new Error('handler failed');
      }),
    ).rejects.toThrow('handler failed');
    expect(await db.transaction((tx) => claimMessage(tx, 'spec-consumer', messageId))).toBe(true);
  });
});
