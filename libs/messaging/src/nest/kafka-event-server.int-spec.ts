import { randomBytes, randomUUID } from 'node:crypto';
import { Controller, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { context as otelContext, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { type Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterTopic } from '@meshmart/contracts';
import { StartUpConditions } from '@meshmart/mesh';
import { eventually, useStack } from '@meshmart/testing';
import { startEventConsumerInBackground } from '../background-consumer';
import { readConsumerLag } from '../consumer-lag';
import { deadLetterHeader, headersAsText } from '../dead-letters';
import { createKafka, createKafkaProbe } from '../kafka-client';
import { KafkaNames } from '../kafka-names';
import { outboxProducerConfig } from '../kafka-outbox-publisher';
import { ensureTopics } from '../topics';
import { connectEventServer } from './connect-event-server';
import type { ConsumedEvents } from './event-routes';
import { KafkaEventContext, KafkaEventServer } from './kafka-event-server';

const topic = `meshmart.test.event-server.${randomUUID()}`;
const restoring = `event-server-restore-${randomUUID()}`;
const auditing = `event-server-audit-${randomUUID()}`;
const quiet = { warn: () => undefined, log: () => undefined };
/** Another platform's names on the same broker (its KAFKA_PREFIX). */
const prefixed = new KafkaNames(`event-server-${randomBytes(3).toString('hex')}.`);

/** What the handlers saw, by group: event ids, and the trace each ran in. */
const seen = {
  restored: [] as string[],
  audited: [] as string[],
  tries: new Map<string, number>(),
  traces: new Map<string, string | undefined>(),
  contexts: [] as { topic: string; partition: number; offset: string }[],
};

/** Two consumer groups in one app, as a service would have them; the user id says how the restore goes. */
@Controller()
class OrderOutcomesController {
  @EventPattern('OrderFailed', { group: restoring, topic })
  async restore(event: ConsumedEvents['OrderFailed']): Promise<void> {
    const tries = (seen.tries.get(event.id) ?? 0) + 1;
    seen.tries.set(event.id, tries);
    seen.traces.set(event.id, trace.getActiveSpan()?.spanContext().traceId);
    // A database that is away twice: transient, so retried in place until it goes through.
    if (event.data.userId === 'flaky' && tries <= 2) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    // A refusal marked not retryable: poison, parked with its own code.
    if (event.data.userId === 'refused') throw Object.assign(new Error('the cart is gone'), { code: 'CART_GONE', retryable: false });
    seen.restored.push(event.id);
  }

  // With a second parameter Nest 12's typings need the pattern's type named.
  @EventPattern<string>('OrderFailed', { group: auditing, topic })
  async audit(@Payload() event: ConsumedEvents['OrderFailed'], @Ctx() context: KafkaEventContext): Promise<void> {
    const { topic: from, partition, offset } = context.getMessage();
    seen.contexts.push({ topic: from, partition, offset });
    seen.audited.push(event.id);
  }
}

@Module({ controllers: [OrderOutcomesController] })
class EventsModule {}

const orderFailed = (userId: string) => ({
  id: randomUUID(),
  type: 'OrderFailed',
  version: 1,
  occurredAt: new Date().toISOString(),
  aggregateId: randomUUID(),
  data: { orderId: randomUUID(), userId, reason: 'payment_declined' },
});

async function createApp(module: Type<unknown>): Promise<NestFastifyApplication> {
  return NestFactory.create<NestFastifyApplication>(module, new FastifyAdapter(), { logger: false });
}

/** Every message of `from`, read by a throwaway group from the beginning. */
async function readTopic(kafka: Kafka, from: string, count: number): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({ groupId: `event-server-reader-${randomUUID()}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [from], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void messages.push(message) });
    await eventually(() => expect(messages.length).toBeGreaterThanOrEqual(count), 30_000);
    return messages;
  } finally {
    await consumer.disconnect();
  }
}

describe('@EventPattern handlers on the Kafka event server (real broker)', () => {
  let brokers: string[];
  let kafka: Kafka;

  beforeAll(async () => {
    // Tracing as a service has it: spans in the async context, W3C trace context read from headers.
    otelContext.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new TracerProvider());
    brokers = (await useStack()).kafka.brokers;
    kafka = createKafka({ clientId: 'event-server-spec', brokers, logLevel: logLevel.NOTHING });
    await ensureTopics(kafka, [{ topic, numPartitions: 3 }]);
  });

  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    const created = [topic, prefixed.onBroker(topic)];
    await admin.deleteTopics({ topics: [...created, ...created.map(deadLetterTopic)] }).catch(() => undefined);
    await admin.disconnect();
    trace.disable();
    propagation.disable();
    otelContext.disable();
  });

  it('runs one consumer per group: retries transient failures, parks poison with its own code, continues the trace, commits, and leaves on close', async () => {
    const startUp = new StartUpConditions();
    const app = await createApp(EventsModule);
    await connectEventServer(app, new KafkaEventServer({ start: (consumer) => startEventConsumerInBackground({ ...consumer, kafka, startUp, log: quiet }) }));
    await app.listen(0, '127.0.0.1');
    let closed = false;
    try {
      await startUp.whenAllMet();
      const events = { ok: orderFailed('ada'), flaky: orderFailed('flaky'), refused: orderFailed('refused') };
      // Another type on the same topic: neither group names it, so it is skipped and committed.
      const confirmed = {
        ...orderFailed('ada'),
        type: 'OrderConfirmed',
        data: { orderId: randomUUID(), userId: 'ada', total: { amountMinor: 100, currency: 'EUR' }, paymentId: randomUUID() },
      };
      const traceId = randomBytes(16).toString('hex');
      const producer = kafka.producer(outboxProducerConfig());
      await producer.connect();
      await producer.send({
        topic,
        acks: -1,
        messages: [...Object.values(events), confirmed].map((event) => ({
          key: event.aggregateId,
          value: JSON.stringify(event),
          headers: { traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` },
        })),
      });
      await producer.disconnect();

      await eventually(() => {
        expect(new Set(seen.restored)).toEqual(new Set([events.ok.id, events.flaky.id]));
        expect(new Set(seen.audited)).toEqual(new Set([events.ok.id, events.flaky.id, events.refused.id]));
      }, 30_000);
      // The flaky event failed twice and went through on its third try; the poison one was tried once.
      expect(seen.tries.get(events.flaky.id)).toBe(3);
      expect(seen.tries.get(events.refused.id)).toBe(1);
      // Each handler ran inside the CONSUMER span that continues the producer's trace.
      expect(seen.traces.get(events.ok.id)).toBe(traceId);
      expect(seen.contexts.every((context) => context.topic === topic && /^\d+$/.test(context.offset) && context.partition >= 0 && context.partition < 3)).toBe(
        true,
      );

      // Exactly one message parked, by the group that refused it, with the handler's own error code (not Nest's "Internal server error").
      const [parked, ...more] = await readTopic(kafka, deadLetterTopic(topic), 1);
      expect(more).toEqual([]);
      expect(JSON.parse(parked?.value?.toString() ?? '{}')).toMatchObject({ id: events.refused.id });
      expect(headersAsText(parked?.headers)).toMatchObject({
        [deadLetterHeader.reason]: 'not_retryable',
        [deadLetterHeader.errorCode]: 'CART_GONE',
        [deadLetterHeader.error]: 'Error: the cart is gone',
        [deadLetterHeader.sourceTopic]: topic,
        [deadLetterHeader.consumerGroup]: restoring,
      });

      // Handled, parked and skipped messages alike are committed by both groups.
      const admin = kafka.admin();
      await admin.connect();
      try {
        await eventually(async () => {
          for (const group of [restoring, auditing]) expect((await readConsumerLag(admin, group, [topic])).map(({ lag }) => lag)).toEqual([0, 0, 0]);
        }, 30_000);
        await app.close();
        closed = true;
        // Closing the app stopped both consumers: they left their groups at once, no session timeout.
        const { groups } = await admin.describeGroups([restoring, auditing]);
        expect(groups.map(({ state, members }) => ({ state, members: members.length }))).toEqual([
          { state: 'Empty', members: 0 },
          { state: 'Empty', members: 0 },
        ]);
      } finally {
        await admin.disconnect();
      }
    } finally {
      if (!closed) await app.close();
    }
  });

  it("keeps a platform's events apart under its prefix: groups and topic carry it, handlers see the routes as written", async () => {
    const startUp = new StartUpConditions();
    const started: { groupId: string; topics: readonly string[] }[] = [];
    const app = await createApp(EventsModule);
    await connectEventServer(
      app,
      new KafkaEventServer({
        names: prefixed,
        start: (consumer) => {
          started.push({ groupId: consumer.groupId, topics: consumer.topics });
          return startEventConsumerInBackground({ ...consumer, kafka, startUp, log: quiet });
        },
      }),
    );
    await app.listen(0, '127.0.0.1');
    try {
      await startUp.whenAllMet();
      expect(started).toEqual([
        { groupId: prefixed.onBroker(restoring), topics: [prefixed.onBroker(topic)] },
        { groupId: prefixed.onBroker(auditing), topics: [prefixed.onBroker(topic)] },
      ]);
      const event = orderFailed('ada');
      const producer = kafka.producer(outboxProducerConfig());
      await producer.connect();
      await producer.send({ topic: prefixed.onBroker(topic), acks: -1, messages: [{ key: event.aggregateId, value: JSON.stringify(event) }] });
      await producer.disconnect();
      await eventually(() => {
        expect(seen.restored).toContain(event.id);
        expect(seen.audited).toContain(event.id);
      }, 30_000);
      expect(seen.contexts.at(-1)?.topic).toBe(prefixed.onBroker(topic));
      // The groups on the broker are the prefixed ones; the unprefixed groups of the test above have no member.
      const admin = kafka.admin();
      await admin.connect();
      try {
        // The broker answers in an order of its own: compared by group id.
        const { groups } = await admin.describeGroups([prefixed.onBroker(restoring), restoring]);
        expect(Object.fromEntries(groups.map(({ groupId, members }) => [groupId, members.length]))).toEqual({
          [prefixed.onBroker(restoring)]: 1,
          [restoring]: 0,
        });
      } finally {
        await admin.disconnect();
      }
    } finally {
      await app.close();
    }
  });

  it('listens without waiting for Kafka: with the broker unreachable the app serves and readiness says what the group waits for', async () => {
    const unreachable = ['127.0.0.1:1'];
    const startUp = new StartUpConditions();
    const app = await createApp(EventsModule);
    const server = new KafkaEventServer({
      start: (consumer) =>
        startEventConsumerInBackground({
          ...consumer,
          kafka: createKafka({ clientId: 'event-server-spec', brokers: unreachable, logLevel: logLevel.NOTHING }),
          probe: createKafkaProbe({ clientId: 'event-server-spec', brokers: unreachable }),
          startUp,
          log: quiet,
        }),
    });
    try {
      await connectEventServer(app, server);
      await app.listen(0, '127.0.0.1');
      const response = await fetch(`${await app.getUrl()}/nothing-here`);
      expect(response.status).toBe(404);
      await eventually(() =>
        expect(startUp.list()).toEqual(
          expect.arrayContaining([expect.objectContaining({ key: `kafka consumer ${restoring}`, reason: expect.stringMatching(/^kafka unreachable/) })]),
        ),
      );
      expect(
        startUp
          .list()
          .map(({ key }) => key)
          .sort(),
      ).toEqual([`kafka consumer ${auditing}`, `kafka consumer ${restoring}`].sort());
    } finally {
      // Stopping abandons the start: nothing keeps the app from closing.
      await app.close();
    }
  });

  it('refuses at start a handler that names no consumer group, saying what to add', async () => {
    @Controller()
    class Ungrouped {
      @EventPattern('OrderPlaced')
      async handle(event: ConsumedEvents['OrderPlaced']): Promise<void> {
        await Promise.resolve(event);
      }
    }
    @Module({ controllers: [Ungrouped] })
    class UngroupedModule {}
    const app = await createApp(UngroupedModule);
    try {
      await expect(connectEventServer(app, new KafkaEventServer({ start: () => ({ stop: async () => undefined }) }))).rejects.toThrow(
        `@EventPattern('OrderPlaced') names no consumer group: add { group: '<service>.<purpose>' }`,
      );
    } finally {
      await app.close();
    }
  });
});
