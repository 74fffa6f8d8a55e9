import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventEnvelope, topics } from '@meshmart/contracts';
import { connectEventServer, KafkaEventServer } from '@meshmart/messaging';
import { CheckoutSagaRunner } from './checkout-saga.runner';
import { OrderPlacedKafkaController } from './order-placed.kafka.controller';

type Spec = Parameters<ConstructorParameters<typeof KafkaEventServer>[0]['start']>[0];

/** The controller in a Nest app on the event transport, its consumer recorded instead of started. */
describe('OrderPlacedKafkaController on the event transport', () => {
  const advanced: string[] = [];
  const consumers: Spec[] = [];
  let app: Awaited<ReturnType<typeof NestFactory.create>>;

  beforeAll(async () => {
    @Module({
      controllers: [OrderPlacedKafkaController],
      providers: [{ provide: CheckoutSagaRunner, useValue: { advance: async (orderId: string) => void advanced.push(orderId) } }],
    })
    class CheckoutConsumerModule {}
    app = await NestFactory.create(CheckoutConsumerModule, new FastifyAdapter(), { logger: false });
    await connectEventServer(
      app,
      new KafkaEventServer({
        start: (consumer) => {
          consumers.push(consumer);
          return { stop: async () => undefined };
        },
      }),
    );
  });

  afterAll(async () => {
    await app?.close();
  });

  const delivered = (type: string) => {
    const envelope: EventEnvelope = { id: randomUUID(), type, version: 1, occurredAt: new Date().toISOString(), aggregateId: randomUUID(), data: {} };
    return { topic: topics.orders, partition: 0, offset: '0', envelope };
  };

  it('consumes orders.v1 as order-service.checkout-saga, the group the deployment files and dashboards name', () => {
    expect(consumers.map(({ groupId, topics: subscribed }) => ({ groupId, topics: subscribed }))).toEqual([
      { groupId: 'order-service.checkout-saga', topics: [topics.orders] },
    ]);
  });

  it('starts the saga of each placed order and lets the other order events pass', async () => {
    const [consumer] = consumers;
    const placed = delivered('OrderPlaced');
    await consumer?.handle(placed);
    await consumer?.handle(delivered('OrderConfirmed'));
    await consumer?.handle(delivered('OrderFailed'));
    expect(advanced).toEqual([placed.envelope.aggregateId]);
  });
});
