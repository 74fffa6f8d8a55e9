import { Kafka, type KafkaConfig, type logCreator, logLevel } from 'kafkajs';
import { currentServiceLogger } from '@meshmart/mesh';

export interface KafkaClientOptions {
  clientId: string;
  brokers: readonly string[];
  /** kafkajs logs to the console by default; MeshMart keeps it to errors unless asked. */
  logLevel?: logLevel;
  /** Fewer retries make start-up probes fail fast; services keep kafkajs's defaults. */
  retries?: number;
}

/**
 * One place that builds kafkajs clients, so every service connects the same way. In a service,
 * kafkajs logs through the service's JSON logger (with its service, instance and trace ids).
 */
export function createKafka(options: KafkaClientOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: [...options.brokers],
    logLevel: options.logLevel ?? logLevel.ERROR,
    connectionTimeout: 3_000,
  };
  const logger = currentServiceLogger();
  if (logger) config.logCreator = serviceLogCreator(logger);
  if (options.retries !== undefined) config.retry = { retries: options.retries };
  return new Kafka(config);
}

/** kafkajs's log entries as the service logger's lines, `kafka` naming kafkajs's own namespace. */
function serviceLogCreator(logger: NonNullable<ReturnType<typeof currentServiceLogger>>): logCreator {
  const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = { [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug' };
  return () => ({ namespace, level, log }) => {
    const { message, timestamp: _timestamp, ...fields } = log;
    logger[levels[level] ?? 'info']({ kafka: { namespace, ...fields } }, message);
  };
}
