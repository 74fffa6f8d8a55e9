import type { Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { deadLetterTopic, type EventEnvelope, eventEnvelopeSchema, eventSchemas, isEventType } from '@meshmart/contracts';
import { currentServiceLogger, failureCode, resilienceDefaults, serviceCounter, withKafkaConsumerSpan } from '@meshmart/mesh';
import { createGroupConsumer, type GroupMembershipHooks, heartbeatWhileHandling } from './consumer-group-membership';
import { monitorConsumerLag } from './consumer-lag';
import { type DeadLetterReason, deadLetterHeaders, deadLetterReasons, errorText } from './dead-letters';
import { initRetryMetrics, type RetryingReport, retryInPlace } from './retry-in-place';
import { ensureTopics } from './topics';

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
   * Applies one event. A thrown error is classified by `classifyFailure` (`@meshmart/mesh`):
   * transient (database, broker or upstream away, timeouts) pauses the partition and retries
   * with back-off until it succeeds, never dead-lettering; poison (a refusal marked
   * `retryable: false`, a constraint violation, an unrecognised error) goes to the dead-letter
   * topic at once. Make it idempotent (inbox): delivery is at least once.
   */
  handle: (message: ConsumedMessage) => Promise<void>;
  /** First back-off after a transient failure; doubles per try, with jitter. Default 200 ms. */
  initialBackoffMs?: number;
  /** Longest back-off between tries of a transiently failing message. Default 5 000 ms. */
  maxBackoffMs?: number;
  /** Told while a message keeps failing transiently, at most once per `retryReportEveryMs` per partition, and when it goes through. Default: the service logger. */
  onRetrying?: (report: RetryingReport, recovered: boolean) => void;
  /** Default 30 000 ms. */
  retryReportEveryMs?: number;
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
  /**
   * Partitions handled at once by this member; default 3, every partition of a topic the
   * consumer creates. Order holds within a partition (one message at a time each), and events
   * of one aggregate share a partition by their key, so only unrelated events overlap.
   */
  partitionsConcurrently?: number;
}

/** Partitions of the event topics a consumer creates: the most a group can handle at once. */
const TOPIC_PARTITIONS = 3;

export interface RunningConsumer {
  consumer: Consumer;
  /** Finishes the message in hand, commits what was processed, leaves the group. */
  stop(): Promise<void>;
}

/**
 * A Kafka consumer for event envelopes: each message is processed in a CONSUMER span that
 * continues the producer's trace. A transient failure pauses the partition and retries the
 * message with jittered back-off for as long as it takes; a poison message (not an envelope,
 * a payload off its schema, a poison error) is parked on `<topic>.dlq` at once with headers
 * saying why and from where, so it never blocks its partition. Offsets are committed only
 * after a message is handled or parked.
 * @example const running = await startEventConsumer({ kafka, groupId: 'order-service.saga', topics: [topics.orders], handle });
 */
export async function startEventConsumer(options: EventConsumerOptions): Promise<RunningConsumer> {
  const { kafka, groupId } = options;
  const { untilDoneBackoff } = resilienceDefaults.retries;
  const backoff = { initialMs: options.initialBackoffMs ?? untilDoneBackoff.initialMs, maxMs: options.maxBackoffMs ?? untilDoneBackoff.maxMs };
  const onRetrying = options.onRetrying ?? logRetrying(groupId);
  await ensureTopics(
    kafka,
    [...options.topics, ...options.topics.map(deadLetterTopic)].map((topic) => ({ topic, numPartitions: topic.endsWith('.dlq') ? 1 : TOPIC_PARTITIONS })),
  );
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
    initRetryMetrics(groupId, topic);
  }

  const park = async (topic: string, message: KafkaMessage, partition: number, reason: DeadLetterReason, error: unknown) => {
    const headers = deadLetterHeaders({ topic, partition, message, groupId }, reason, error);
    await producer.send({ topic: deadLetterTopic(topic), acks: -1, messages: [{ key: message.key, value: message.value, headers }] });
    deadLetters.inc({ consumergroup: groupId, topic, reason });
    consumed.inc({ consumergroup: groupId, topic, outcome: 'dead_lettered' });
    options.onDeadLetter?.(topic, reason, error);
  };

  await consumer.run({
    partitionsConsumedConcurrently: options.partitionsConcurrently ?? TOPIC_PARTITIONS,
    eachMessage: heartbeatWhileHandling(async ({ topic, partition, message, heartbeat, pause }) => {
      const parsed = parseEnvelope(message.value);
      if (!parsed.ok) {
        await park(topic, message, partition, parsed.reason, parsed.error);
        return;
      }
      const delivered: ConsumedMessage = { topic, partition, offset: message.offset, envelope: parsed.envelope };
      await withKafkaConsumerSpan(topic, message.headers, async (span) => {
        span.setAttribute('messaging.message.id', parsed.envelope.id);
        // On shutdown retryInPlace throws: the offset is not committed and the message comes back after restart.
        const settled = await retryInPlace(() => options.handle(delivered), {
          groupId,
          topic,
          partition,
          offset: message.offset,
          pause,
          heartbeat,
          backoff,
          stopping: () => stopping,
          reportEveryMs: options.retryReportEveryMs ?? 30_000,
          onRetrying: (report) => onRetrying(report, false),
          onRecovered: (report) => onRetrying(report, true),
        });
        if (settled.kind === 'handled') consumed.inc({ consumergroup: groupId, topic, outcome: 'handled' });
        else await park(topic, message, partition, 'not_retryable', settled.error);
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

type ParsedMessage = { ok: true; envelope: EventEnvelope } | { ok: false; reason: DeadLetterReason; error: unknown };

/** The envelope, and for an event type we know, its payload checked against the type's schema. */
function parseEnvelope(value: Buffer | null): ParsedMessage {
  let envelope: EventEnvelope;
  try {
    const parsed = eventEnvelopeSchema.safeParse(JSON.parse(value?.toString('utf8') ?? ''));
    if (!parsed.success) return { ok: false, reason: 'invalid_envelope', error: parsed.error };
    envelope = parsed.data as EventEnvelope;
  } catch (error) {
    return { ok: false, reason: 'invalid_envelope', error };
  }
  if (isEventType(envelope.type)) {
    const data = eventSchemas[envelope.type].safeParse(envelope.data);
    if (!data.success) return { ok: false, reason: 'invalid_payload', error: data.error };
  }
  return { ok: true, envelope };
}

/** The default report of a message retried in place: one warning per window, one line when it goes through. No error message (it may carry data), its code. */
function logRetrying(groupId: string): (report: RetryingReport, recovered: boolean) => void {
  return (report, recovered) => {
    const where = `${report.topic}/${report.partition}@${report.offset}`;
    const seconds = ((Date.now() - report.since.getTime()) / 1000).toFixed(1);
    const line = recovered
      ? `${groupId}: ${where} went through after ${report.failures} transient failures in ${seconds}s; partition resumed`
      : `${groupId}: ${where} failed transiently (${failureCode(report.error)}), ${report.failures} tries in ${seconds}s; partition paused, retrying with back-off`;
    const logger = currentServiceLogger();
    if (logger)
      logger[recovered ? 'info' : 'warn'](
        {
          consumergroup: groupId,
          topic: report.topic,
          partition: report.partition,
          offset: report.offset,
          failures: report.failures,
          code: failureCode(report.error),
        },
        line,
      );
    else if (!recovered) process.emitWarning(line, 'ConsumerRetryWarning');
  };
}
