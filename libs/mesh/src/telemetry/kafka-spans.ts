import { type Attributes, context, propagation, ROOT_CONTEXT, type Span, SpanKind, type TextMapGetter } from '@opentelemetry/api';
import { runInSpan } from './span-scope';
import { guardTelemetry } from './telemetry-failure';

// Messaging attributes are still "incubating" in the semantic conventions; OpenTelemetry asks
// users to copy such names rather than import them, since their constants may change.
const ATTR_MESSAGING_SYSTEM = 'messaging.system';
const ATTR_MESSAGING_DESTINATION_NAME = 'messaging.destination.name';
const ATTR_MESSAGING_OPERATION_TYPE = 'messaging.operation.type';
const ATTR_MESSAGING_OPERATION_NAME = 'messaging.operation.name';

/** Headers of a message about to be produced, as kafkajs takes them. */
export type OutgoingKafkaHeaders = Record<string, string | Buffer | undefined>;

/** Headers of a consumed message, as kafkajs gives them (values arrive as Buffers). */
export type IncomingKafkaHeaders = Readonly<Record<string, string | Buffer | readonly (string | Buffer)[] | undefined>>;

// kafkajs hands header values over as Buffers (or arrays of them when a key repeats).
const kafkaHeaderGetter: TextMapGetter<IncomingKafkaHeaders> = {
  keys: (headers) => Object.keys(headers),
  get(headers, key) {
    const value: string | Buffer | readonly (string | Buffer)[] | undefined = headers[key];
    const first = typeof value === 'string' || Buffer.isBuffer(value) ? value : value?.[0];
    return first?.toString();
  },
};

function messagingAttributes(topic: string, operation: 'send' | 'process'): Attributes {
  return {
    [ATTR_MESSAGING_SYSTEM]: 'kafka',
    [ATTR_MESSAGING_DESTINATION_NAME]: topic,
    [ATTR_MESSAGING_OPERATION_TYPE]: operation,
    [ATTR_MESSAGING_OPERATION_NAME]: operation,
  };
}

/**
 * Writes the active trace context (`traceparent`, and `tracestate` when there is one) into a
 * message's headers and returns them, so the consumer's span joins the trace. Call it inside
 * `withKafkaProducerSpan` so the message's parent is the PRODUCER span.
 *
 * @example
 * await withKafkaProducerSpan('orders.v1', () =>
 *   producer.send({ topic: 'orders.v1', messages: [{ key, value, headers: injectKafkaHeaders({ 'event-type': 'OrderPlaced' }) }] }));
 */
export function injectKafkaHeaders<H extends OutgoingKafkaHeaders>(headers: H): H {
  guardTelemetry('inject kafka headers', undefined, () => propagation.inject(context.active(), headers));
  return headers;
}

/**
 * Sends to `topic` inside a PRODUCER span (`send <topic>`), a child of the active span or of
 * the trace in `parent` headers; messages whose headers go through `injectKafkaHeaders`
 * inside `send` carry this span.
 */
export function withKafkaProducerSpan<T>(topic: string, send: (span: Span) => Promise<T>, parent?: IncomingKafkaHeaders): Promise<T> {
  // An outbox relay sends long after the request that wrote the event: its trace headers,
  // stored with the event, make the span a child of that request rather than of the relay.
  const parentContext = parent
    ? guardTelemetry('extract kafka headers', context.active(), () => propagation.extract(ROOT_CONTEXT, parent, kafkaHeaderGetter))
    : context.active();
  return runInSpan(`send ${topic}`, { kind: SpanKind.PRODUCER, attributes: messagingAttributes(topic, 'send') }, parentContext, send);
}

/**
 * Processes one consumed message inside a CONSUMER span (`process <topic>`) whose parent is the
 * producer's span, taken from the message's headers; with no trace headers it starts a new
 * trace. `process` runs with the span active; a throw is recorded and rethrown.
 *
 * @example
 * await consumer.run({ eachMessage: ({ topic, message }) =>
 *   withKafkaConsumerSpan(topic, message.headers, () => handleOrderPlaced(message)) });
 */
export function withKafkaConsumerSpan<T>(topic: string, headers: IncomingKafkaHeaders | undefined, process: (span: Span) => Promise<T>): Promise<T> {
  const parent = guardTelemetry('extract kafka headers', ROOT_CONTEXT, () =>
    headers ? propagation.extract(ROOT_CONTEXT, headers, kafkaHeaderGetter) : ROOT_CONTEXT,
  );
  return runInSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, attributes: messagingAttributes(topic, 'process') }, parent, process);
}
