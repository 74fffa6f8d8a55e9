import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { type Admin, Kafka, type KafkaMessage, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useStack } from '@meshmart/testing';
import { injectKafkaHeaders, withKafkaConsumerSpan, withKafkaProducerSpan } from './kafka-spans';
import { type RunningTracing, startTracing } from './tracing';

/** Creates a one-partition topic and waits, bounded, until the broker names a leader for it. */
async function createTopicWithLeader(admin: Admin, topic: string, timeoutMs = 30_000): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: false });
  const giveUpAt = Date.now() + timeoutMs;
  while (Date.now() < giveUpAt) {
    const leader = await admin
      .fetchTopicMetadata({ topics: [topic] })
      .then(({ topics }) => topics[0]?.partitions[0]?.leader ?? -1)
      // A KRaft broker answers this for a moment after it created the topic.
      .catch((error: { type?: string }) => (error.type === 'UNKNOWN_TOPIC_OR_PARTITION' ? -1 : Promise.reject(error)));
    if (leader >= 0) return;
    await sleep(100);
  }
  throw new Error(`topic ${topic} has no leader after ${timeoutMs / 1000}s`);
}

describe('trace context through a real Kafka broker', () => {
  const exporter = new InMemorySpanExporter();
  const topic = `meshmart.test.telemetry.${randomUUID()}`;
  let tracing: RunningTracing;
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    tracing = startTracing({ serviceName: 'kafka-spans-int-spec', serviceInstanceId: `kafka-spans-int-spec-${process.pid}`, exporters: [exporter] });
    kafka = new Kafka({ clientId: 'kafka-spans-int-spec', brokers: (await useStack()).kafka.brokers, logLevel: logLevel.NOTHING });
    admin = kafka.admin();
    await admin.connect();
    await createTopicWithLeader(admin, topic);
  });
  afterAll(async () => {
    await admin?.deleteTopics({ topics: [topic] });
    await admin?.disconnect();
    await tracing?.shutdown();
  });

  it('makes the consumer span a child of the producer span that sent the message', async () => {
    const producer = kafka.producer({ allowAutoTopicCreation: false });
    const consumer = kafka.consumer({ groupId: `kafka-spans-int-spec-${randomUUID()}` });
    const consumed: { message: KafkaMessage; consumerSpanId: string }[] = [];
    try {
      await producer.connect();
      await withKafkaProducerSpan(topic, () =>
        producer.send({ topic, messages: [{ key: 'order-1', value: 'OrderPlaced', headers: injectKafkaHeaders({ 'event-type': 'OrderPlaced' }) }] }),
      );

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        eachMessage: ({ topic: from, message }) =>
          withKafkaConsumerSpan(from, message.headers, async (span) => void consumed.push({ message, consumerSpanId: span.spanContext().spanId })),
      });
      const giveUpAt = Date.now() + 30_000;
      while (consumed.length === 0 && Date.now() < giveUpAt) await sleep(100);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
    await tracing.forceFlush();

    expect(consumed).toHaveLength(1);
    const spans = exporter.getFinishedSpans();
    const byKind = (kind: SpanKind): ReadableSpan => {
      const found = spans.filter((span) => span.kind === kind);
      expect(found, SpanKind[kind]).toHaveLength(1);
      return found[0] as ReadableSpan;
    };
    const producerSpan = byKind(SpanKind.PRODUCER);
    const consumerSpan = byKind(SpanKind.CONSUMER);
    const [{ message, consumerSpanId }] = consumed as [(typeof consumed)[number]];

    // What crossed the broker: the producer span as traceparent, in a Buffer.
    expect(message.headers?.traceparent).toBeInstanceOf(Buffer);
    expect(message.headers?.traceparent?.toString()).toBe(`00-${producerSpan.spanContext().traceId}-${producerSpan.spanContext().spanId}-01`);
    expect(message.headers?.['event-type']?.toString()).toBe('OrderPlaced');

    expect(consumerSpan.spanContext().spanId).toBe(consumerSpanId);
    expect(consumerSpan.spanContext().traceId).toBe(producerSpan.spanContext().traceId);
    expect(consumerSpan.parentSpanContext?.spanId).toBe(producerSpan.spanContext().spanId);
    expect(consumerSpan.parentSpanContext?.isRemote).toBe(true);
    expect(producerSpan.name).toBe(`send ${topic}`);
    expect(consumerSpan.name).toBe(`process ${topic}`);
    expect(producerSpan.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.operation.type': 'send' });
    expect(consumerSpan.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': topic, 'messaging.operation.type': 'process' });
  });
});
