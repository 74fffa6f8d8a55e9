export { startEventConsumer } from './event-consumer';
export type { ConsumedMessage, EventConsumerOptions, RunningConsumer } from './event-consumer';
export { createKafka } from './kafka-client';
export type { KafkaClientOptions } from './kafka-client';
export { currentTraceHeaders, KafkaOutboxPublisher, outboxProducerConfig } from './kafka-outbox-publisher';
export type { PublishableRecord } from './kafka-outbox-publisher';
export { ensureTopics } from './topics';
export type { TopicSpec } from './topics';
