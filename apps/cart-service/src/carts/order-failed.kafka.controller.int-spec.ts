import { randomBytes, randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type Kafka, logLevel } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { DataSource as DataSourceToken } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterTopic, topics } from '@meshmart/contracts';
import { StartUpConditions } from '@meshmart/mesh';
import { connectEventServer, createKafka, KafkaEventServer, KafkaNames, outboxProducerConfig, startEventConsumerInBackground } from '@meshmart/messaging';
import { openDataSource } from '@meshmart/persistence';
import { dropDatabases, type StackEndpoints } from '@meshmart/platform';
import { eventually, useStack } from '@meshmart/testing';
import { entities, migrations } from '../data';
import { OrderFailedKafkaController } from './order-failed.kafka.controller';

const database = `meshmart_cart_test_${randomBytes(4).toString('hex')}`;
/** This spec's names on the shared broker (as a KAFKA_PREFIX gives a platform), so the shared orders.v1 and its groups are left alone. */
const names = new KafkaNames(`cart-order-failed-${randomBytes(3).toString('hex')}.`);
const topic = names.onBroker(topics.orders);
const groupId = names.onBroker('cart-service.order-outcomes');
const line = { sku: 'MUG-001', name: 'Mug', quantity: 2, unitPrice: { amountMinor: 1_250, currency: 'EUR' } };

let stack: StackEndpoints;
let db: DataSource;
let app: NestFastifyApplication;
let kafka: Kafka;
/** What the server asked for. */
const started: { groupId: string; topics: readonly string[] }[] = [];

beforeAll(async () => {
  stack = await useStack();
  kafka = createKafka({ clientId: 'cart-order-failed-spec', brokers: stack.kafka.brokers, logLevel: logLevel.NOTHING });
  db = await openDataSource({ url: stack.postgres.url, database, entities, migrations });
  @Module({ controllers: [OrderFailedKafkaController], providers: [{ provide: DataSourceToken, useValue: db }] })
  class OrderFailedModule {}
  app = await NestFactory.create<NestFastifyApplication>(OrderFailedModule, new FastifyAdapter(), { logger: false });
  const startUp = new StartUpConditions();
  const server = new KafkaEventServer({
    names,
    start: (consumer) => {
      started.push({ groupId: consumer.groupId, topics: consumer.topics });
      return startEventConsumerInBackground({
        ...consumer,
        kafka,
        startUp,
        log: { warn: () => undefined, log: () => undefined },
      });
    },
  });
  await connectEventServer(app, server);
  await app.listen(0, '127.0.0.1');
  await startUp.whenAllMet();
});

afterAll(async () => {
  await app?.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).catch(() => undefined);
  await admin.disconnect();
  await db?.destroy();
  await dropDatabases(stack.postgres.url, [database]);
});

describe('OrderFailed gives the shopper their cart back (real Postgres, real broker)', () => {
  it('consumes orders.v1 as cart-service.order-outcomes (under the prefix)', () => {
    expect(started).toEqual([{ groupId, topics: [topic] }]);
  });

  it('puts the lines of the failed order’s cart into an open cart, once however often the event comes', async () => {
    const userId = `shopper-${randomBytes(3).toString('hex')}`;
    const orderId = randomUUID();
    await db.query(`INSERT INTO carts (id, user_id, status, lines, checkout_key, order_id) VALUES ($1, $2, 'CHECKED_OUT', $3, 'key-1', $4)`, [
      randomUUID(),
      userId,
      JSON.stringify([line]),
      orderId,
    ]);
    const event = {
      id: randomUUID(),
      type: 'OrderFailed',
      version: 1,
      occurredAt: new Date().toISOString(),
      aggregateId: orderId,
      data: { orderId, userId, reason: 'payment_declined' },
    };
    const producer = kafka.producer(outboxProducerConfig());
    await producer.connect();
    // Delivered twice (a redelivery after a crash, or a replay): the inbox lets only the first count.
    await producer.send({ topic, acks: -1, messages: [{ key: orderId, value: JSON.stringify(event) }] });
    await eventually(async () => expect(await openLines(userId)).toEqual([line]), 30_000);
    await db.query(`UPDATE carts SET lines = '[]'::jsonb WHERE user_id = $1 AND status = 'OPEN'`, [userId]);
    await producer.send({
      topic,
      acks: -1,
      messages: [
        { key: orderId, value: JSON.stringify(event) },
        {
          key: orderId,
          value: JSON.stringify({
            ...event,
            id: randomUUID(),
            type: 'OrderConfirmed',
            data: { orderId, userId, total: { amountMinor: 2_500, currency: 'EUR' }, paymentId: randomUUID() },
          }),
        },
      ],
    });
    // Both are consumed once the group has committed past them; only then is "still empty" an answer.
    await eventually(async () => expect(await committedEverything()).toBe(true), 30_000);
    expect(await openLines(userId)).toEqual([]);
    expect(await inboxCount(event.id)).toBe(1);
    await producer.disconnect();
  });
});

async function openLines(userId: string): Promise<unknown[] | undefined> {
  const [open] = (await db.query(`SELECT lines FROM carts WHERE user_id = $1 AND status = 'OPEN'`, [userId])) as { lines: unknown[] }[];
  return open?.lines;
}

async function inboxCount(messageId: string): Promise<number> {
  const [row] = (await db.query('SELECT count(*)::int AS n FROM inbox WHERE message_id = $1', [messageId])) as { n: number }[];
  return row?.n ?? 0;
}

/** True once the group has committed every message of the spec's topic. */
async function committedEverything(): Promise<boolean> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(topic);
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    const done = new Map(committed?.partitions.map((p) => [p.partition, Number(p.offset)]));
    return ends.every(({ partition, high }) => Number(high) === 0 || done.get(partition) === Number(high));
  } finally {
    await admin.disconnect();
  }
}
