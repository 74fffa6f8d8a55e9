import { Kafka, type KafkaConfig, logLevel } from 'kafkajs';

export interface KafkaClientOptions {
  clientId: string;
  brokers: readonly string[];
  /** kafkajs logs to the console by default; MeshMart keeps it to errors unless asked. */
  logLevel?: logLevel;
  /** Fewer retries make start-up probes fail fast; services keep kafkajs's defaults. */
  retries?: number;
}

/** One place that builds kafkajs clients, so every service connects the same way. */
export function createKafka(options: KafkaClientOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: options.logLevel ?? logLevel.ERROR,
    connectionTimeout: 3_000,
  };
  if (options.retries !== undefined) config.retry = { retries: options.retries };
  return new Kafka(config);
}
