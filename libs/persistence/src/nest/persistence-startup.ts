import type { Kafka, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { topics } from '@meshmart/contracts';
import { describeWaiting, retryUntilDone, type StartUpConditions } from '@meshmart/mesh';
import {
  type BackgroundConsumer,
  type BackgroundConsumerOptions,
  ensureTopics,
  KafkaEventServer,
  type KafkaNames,
  kafkaReachable,
  startEventConsumerInBackground,
} from '@meshmart/messaging';
import { prepareServiceDatabase } from '../data-source/open-data-source';

export interface PersistenceStartupOptions {
  dataSource: DataSource;
  /** The server (any database on it) and the service's own database there. */
  url: string;
  database: string;
  kafka: Kafka;
  /** A quiet client without retries (`createKafkaProbe`): each attempt tries it first, so waiting logs one line per window. */
  kafkaProbe: Kafka;
  outboxProducer: Producer;
  /** The platform's names on the broker (`KAFKA_PREFIX`): the topics it creates and its consumer groups. */
  kafkaNames: KafkaNames;
  startUp: Pick<StartUpConditions, 'hold' | 'release'>;
  log: { warn(line: string): void; log(line: string): void };
}

/**
 * Reaches the service's Postgres and Kafka in the background, so the instance listens at once
 * instead of exiting when one of them is down at start: each is tried with the shared jittered
 * back-off (`retryUntilDone`) and held in readiness (`postgres`, `kafka`) until reached, with
 * one log line per attempt window. Postgres blocks traffic (no route works without it); Kafka
 * does not (writes go to the outbox and leave once it is up). Reached once, each is then the
 * business of its own retries (pool, kafkajs, relay), not of readiness.
 */
export class PersistenceStartup {
  private readonly aborted = new AbortController();
  private readonly database: Promise<boolean>;
  private readonly producer: Promise<boolean>;

  constructor(private readonly options: PersistenceStartupOptions) {
    const { startUp } = options;
    const server = serverOf(options.url);
    startUp.hold('postgres', `connecting to ${options.database} at ${server}`, { blocksTraffic: true });
    startUp.hold('kafka', 'connecting the outbox producer');
    this.database = this.reach('postgres', `${options.database} at ${server}`, { blocksTraffic: true }, () =>
      prepareServiceDatabase(options.dataSource, options),
    );
    this.producer = this.reach('kafka', 'the outbox producer', {}, async () => {
      await kafkaReachable(options.kafkaProbe);
      await ensureTopics(
        options.kafka,
        Object.values(topics).map((topic) => ({ topic: options.kafkaNames.onBroker(topic), numPartitions: 3 })),
      );
      await options.outboxProducer.connect();
    });
  }

  /** Resolves once the database is open and migrated; stays pending if the app stops first. */
  whenDatabaseReady(): Promise<void> {
    return this.untilReached(this.database);
  }

  /** Resolves once the database and the outbox producer are both reached (the relay can run). */
  whenReady(): Promise<void> {
    return this.untilReached(Promise.all([this.database, this.producer]).then((reached) => reached.every(Boolean)));
  }

  /** An event consumer that starts once the database is there, without holding up the start. */
  startEventConsumer(options: Omit<BackgroundConsumerOptions, 'kafka' | 'probe' | 'startUp' | 'after' | 'log'>): BackgroundConsumer {
    return startEventConsumerInBackground({
      ...options,
      kafka: this.options.kafka,
      probe: this.options.kafkaProbe,
      startUp: this.options.startUp,
      after: this.whenDatabaseReady(),
      log: this.options.log,
    });
  }

  /**
   * The Nest transport of the service's `@EventPattern` handlers: one consumer per group, each
   * started like `startEventConsumer` above. `consumeEvents` connects it.
   */
  eventServer(): KafkaEventServer {
    return new KafkaEventServer({ start: (consumer) => this.startEventConsumer(consumer), names: this.options.kafkaNames });
  }

  /** Gives up whatever is still being reached (the app is stopping). */
  stop(): void {
    this.aborted.abort();
  }

  private async reach(key: string, what: string, hold: { blocksTraffic?: boolean }, attempt: () => Promise<void>): Promise<boolean> {
    const { startUp, log } = this.options;
    let waited = false;
    try {
      await retryUntilDone(attempt, {
        signal: this.aborted.signal,
        onWaiting: (report) => {
          waited = true;
          const reason = describeWaiting(report);
          startUp.hold(key, reason, hold);
          log.warn(`${key}: ${what} ${reason}; next try in ${(report.nextDelayMs / 1000).toFixed(1)}s`);
        },
      });
    } catch {
      return false; // stopped before it was reached
    }
    startUp.release(key);
    if (waited) log.log(`${key}: reached ${what}`);
    return true;
  }

  private untilReached(reached: Promise<boolean>): Promise<void> {
    return reached.then((ok) => (ok ? undefined : new Promise<void>(() => undefined)));
  }
}

/** `host:port` of a postgres:// URL: what a log line may name (never the credentials). */
function serverOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}`;
}
