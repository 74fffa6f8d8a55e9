import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { deadLetterTopic, type EventEnvelope, eventEnvelopeSchema } from '@meshmart/contracts';
import { serviceCounter, withKafkaConsumerSpan } from '@meshmart/mesh';
import { createGroupConsumer, type GroupMembershipHooks, heartbeatWhileHandling } from './consumer-group-membership';
import { monitorConsumerLag } from './consumer-lag';
import { ensureTopics } from './topics';

/** Why a message was parked on its dead-letter topic. */
export type DeadLetterReason = 'invalid_envelope' | 'retries_exhausted' | 'not_retryable';
const deadLetterReasons: readonly DeadLetterReason[] = ['invalid_envelope', 'retries_exhausted', 'not_retryable'];

const consumedCounter = () =>
  serviceCounter({
    name: 'meshmart_kafka_messages_consumed_total',
    help: 'Kafka messages a consumer group finished with: handled, or parked on the dead-letter topic.',
    labelNames: ['consumergroup', 'topic', 'outcome'],
  });
const deadLettersCounter = () =>
  serviceCounter({
    name: 'meshmart_kafka_dead_letters_total',
    help: 'Kafka messages parked on <topic>.dlq, by reason.',
    labelNames: ['consumergroup', 'topic', 'reason'],
  });

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  envelope: EventEnvelope;
}

export interface EventConsumerOptions {
  kafka: Kafka;
  /** The consumer group: one per service and purpose, e.g. `order-service.saga`. */
  groupId: string;
  topics: readonly string[];
  /**
   * Applies one event. Throwing retries it with back-off; an error whose `retryable` is false
   * goes to the dead-letter topic at once. Make it idempotent (inbox): delivery is at least once.
   */
  handle: (message: ConsumedMessage) => Promise<void>;
  /** Attempts before the dead-letter topic. Default 5. */
  attempts?: number;
  /** First back-off; doubles per attempt, with jitter, up to 5 s. Default 200 ms. */
  initialBackoffMs?: number;
  /** Told about each message that went to a dead-letter topic. */
  onDeadLetter?: (topic: string, reason: string, error: unknown) => void;
  /** Start from the earliest offset when the group has none (default true: no event is skipped). */
  fromBeginning?: boolean;
  /** How often the group's lag is read from the broker into `kafka_consumergroup_lag`. Default 10 000 ms. */
  lagIntervalMs?: number;
  /** Told when a lag read fails (the gauge keeps its last values). Default: a process warning. */
  onLagError?: (error: unknown) => void;
  /** Told when the consumer joins its group or kafkajs gives up on it (readiness follows these). */
  membership?: GroupMembershipHooks;
}

export interface RunningConsumer {
  consumer: Consumer;
  /** Finishes the message in hand, commits what was processed, leaves the group. */
  stop(): Promise<void>;
}

/**
 * A Kafka consumer for event envelopes: each message is processed in a CONSUMER span that
 * continues the producer's trace, retried with jittered exponential back-off, and parked on
 * `<topic>.dlq` (with the reason in its headers) when it cannot be applied, so one poison
 * message never blocks its partition. Offsets are committed only after a message is handled
 * or parked.
 * @example const running = await startEventConsumer({ kafka, groupId: 'order-service.saga', topics: [topics.orders], handle });
 */
export async function startEventConsumer(options: EventConsumerOptions): Promise<RunningConsumer> {
  const { kafka, groupId } = options;
  const attempts = options.attempts ?? 5;
  const initialBackoffMs = options.initialBackoffMs ?? 200;
  await ensureTopics(kafka, [...options.topics, ...options.topics.map(deadLetterTopic)].map((topic) => ({ topic, numPartitions: topic.endsWith('.dlq') ? 1 : 3 })));
  const producer: Producer = kafka.producer({ allowAutoTopicCreation: false });
  const consumer = createGroupConsumer(kafka, groupId, options.membership);
  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? true });
  let stopping = false;
  const consumed = consumedCounter();
  const deadLetters = deadLettersCounter();
  // Every series exists from the start at 0, so rates and alerts see "none yet" rather than nothing.
  for (const topic of options.topics) {
    for (const outcome of ['handled', 'dead_lettered']) consumed.inc({ consumergroup: groupId, topic, outcome }, 0);
    for (const reason of deadLetterReasons) deadLetters.inc({ consumergroup: groupId, topic, reason }, 0);
  }

  const park = async (topic: string, message: KafkaMessage, partition: number, reason: DeadLetterReason, error: unknown) => {
    const headers: IHeaders = { ...message.headers, 'dlq-reason': reason, 'dlq-error': errorText(error), 'dlq-source': `${topic}/${partition}/${message.offset}` };
    await producer.send({ topic: deadLetterTopic(topic), acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
    deadLetters.inc({ consumergroup: groupId, topic, reason });
    consumed.inc({ consumergroup: groupId, topic, outcome: 'dead_lettered' });
    options.onDeadLetter?.(topic, reason, error);
  };

  await consumer.run({
    eachMessage: heartbeatWhileHandling(async ({ topic, partition, message }) => {
      const parsed = parseEnvelope(message.value);
      if (!parsed.ok) {
        await park(topic, message, partition, 'invalid_envelope', parsed.error);
        return;
      }
      const delivered: ConsumedMessage = { topic, partition, offset: message.offset, envelope: parsed.envelope };
      await withKafkaConsumerSpan(topic, message.headers, async (span) => {
        span.setAttribute('messaging.message.id', parsed.envelope.id);
        for (let attempt = 1; ; attempt++) {
          try {
            await options.handle(delivered);
            consumed.inc({ consumergroup: groupId, topic, outcome: 'handled' });
            return;
          } catch (error) {
            const retryable = (error as { retryable?: boolean }).retryable !== false;
            // On shutdown, throw: the offset is not committed and the message comes back after restart.
            if (stopping) throw error;
            if (!retryable || attempt >= attempts) {
              await park(topic, message, partition, retryable ? 'retries_exhausted' : 'not_retryable', error);
              return;
            }
            const backoff = Math.min(5_000, initialBackoffMs * 2 ** (attempt - 1));
            await sleep(backoff / 2 + Math.random() * (backoff / 2));
          }
        }
      });
    }),
  });

  const lag = monitorConsumerLag(kafka, groupId, options.topics, {
    intervalMs: options.lagIntervalMs ?? 10_000,
    onError: options.onLagError ?? ((error) => process.emitWarning(`could not read the lag of ${groupId}: ${errorText(error)}`, 'ConsumerLagWarning')),
  });

  return {
    consumer,
    async stop() {
      stopping = true;
      await lag.stop();
      await consumer.disconnect();
      await producer.disconnect();
    },
  };
}

function parseEnvelope(value: Buffer | null): { ok: true; envelope: EventEnvelope } | { ok: false; error: unknown } {
  try {
    const parsed = eventEnvelopeSchema.safeParse(JSON.parse(value?.toString('utf8') ?? ''));
    return parsed.success ? { ok: true, envelope: parsed.data as EventEnvelope } : { ok: false, error: parsed.error };
  } catch (error) {
    return { ok: false, error };
  }
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 500);
}
