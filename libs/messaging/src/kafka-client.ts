import { Kafka, type KafkaConfig, type logCreator, logLevel } from 'kafkajs';
import { currentServiceLogger } from '@meshmart/mesh';
import { fixKafkajsIdleTimer } from './kafkajs-idle-timer';

/** The Nest token of a service's Kafka client (its `PersistenceModule` provides it), for its event consumers. */
export const KAFKA = Symbol('KAFKA');

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
 * Its connections do not spin a 1 ms timer while idle (see `fixKafkajsIdleTimer`).
 */
export function createKafka(options: KafkaClientOptions): Kafka {
  fixKafkajsIdleTimer();
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

/**
 * A client that tries once and logs nothing: for waiting until Kafka is reachable, where the
 * waiting loop writes one line per window and kafkajs's own error per retry would be noise.
 */
export function createKafkaProbe(options: Pick<KafkaClientOptions, 'clientId' | 'brokers'>): Kafka {
  return createKafka({ ...options, logLevel: logLevel.NOTHING, retries: 0 });
}

/** Resolves when a broker of `kafka` answers (an admin connection opens), rejects otherwise. */
export async function kafkaReachable(kafka: Kafka): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.disconnect();
}

/** kafkajs's log entries as the service logger's lines, `kafka` naming kafkajs's own namespace. */
function serviceLogCreator(logger: NonNullable<ReturnType<typeof currentServiceLogger>>): logCreator {
  const levels: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
    [logLevel.ERROR]: 'error',
    [logLevel.WARN]: 'warn',
    [logLevel.INFO]: 'info',
    [logLevel.DEBUG]: 'debug',
  };
  return () =>
    ({ namespace, level, log }) => {
      const { message, timestamp: _timestamp, ...fields } = log;
      logger[levels[level] ?? 'info']({ kafka: { namespace, ...fields } }, message);
    };
}
