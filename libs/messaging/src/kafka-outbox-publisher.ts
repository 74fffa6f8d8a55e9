import type { Producer } from 'kafkajs';
import { injectKafkaHeaders, serviceCounter, withKafkaProducerSpan } from '@meshmart/mesh';
import { KafkaNames } from './kafka-names';

const producedCounter = () =>
  serviceCounter({
    name: 'meshmart_kafka_messages_produced_total',
    help: 'Kafka messages published and acknowledged by every in-sync replica.',
    labelNames: ['topic'],
  });

/** One outbox row on its way to Kafka, as an outbox relay (@meshmart/persistence) hands it over. */
export interface PublishableRecord {
  messageId: string;
  topic: string;
  key: string;
  type: string;
  /** The event envelope as JSON text. */
  value: string;
  /** Trace headers captured when the event was written. */
  headers: Record<string, string>;
}

/**
 * Publishes outbox records with an idempotent producer, each in its own PRODUCER span that
 * continues the trace stored with the event, carrying `event-type` and `message-id` headers.
 * One `sendBatch` per call, so records of one key keep their order. A record's topic is the
 * one written in its outbox row, put on the broker under `names` (a platform's prefix, if any).
 */
export class KafkaOutboxPublisher {
  private readonly produced = producedCounter();

  constructor(
    private readonly producer: Producer,
    private readonly names: KafkaNames = KafkaNames.unprefixed,
  ) {}

  async publish(records: readonly PublishableRecord[]): Promise<void> {
    if (records.length === 0) return;
    let release!: (error?: unknown) => void;
    const sent = new Promise<void>((resolve, reject) => (release = (error) => (error === undefined ? resolve() : reject(error as Error))));
    const messages: { topic: string; key: string; value: string; headers: Record<string, string> }[] = [];
    // Each span opens, writes its trace headers into its message, and closes when the batch is acknowledged.
    const spans = records.map((record) => {
      const topic = this.names.onBroker(record.topic);
      return withKafkaProducerSpan(
        topic,
        async () => {
          messages.push({
            topic,
            key: record.key,
            value: record.value,
            headers: injectKafkaHeaders({ 'event-type': record.type, 'message-id': record.messageId }),
          });
          await sent;
        },
        record.headers,
      );
    });
    // The callbacks above run synchronously up to their first await, so every message is queued now.
    const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
    for (const { topic, ...message } of messages) {
      const group = byTopic.get(topic) ?? [];
      group.push(message);
      byTopic.set(topic, group);
    }
    try {
      await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, group]) => ({ topic, messages: group })) });
      for (const [topic, group] of byTopic) this.produced.inc({ topic }, group.length);
      release();
    } catch (error) {
      release(error);
    }
    await Promise.all(spans);
  }
}

/** The producer an outbox relay needs: idempotent (no duplicates from its own retries), one request in flight (order kept). */
export function outboxProducerConfig(): { idempotent: true; maxInFlightRequests: 1; allowAutoTopicCreation: false } {
  return { idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false };
}

/** The active trace as W3C headers, to store with an event written now and continue later. */
export function currentTraceHeaders(): Record<string, string> {
  return injectKafkaHeaders({}) as Record<string, string>;
}
