export { createKafka } from './kafka-client';
export type { KafkaClientOptions } from './kafka-client';
export { ensureTopics } from './topics';
export type { TopicSpec } from './topics';
