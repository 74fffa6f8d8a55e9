import { type DynamicModule, Global, Inject, Logger, Module, type OnApplicationBootstrap, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Kafka, Producer } from 'kafkajs';
import { DataSource, type EntitySchema, type MigrationInterface } from 'typeorm';
import { MESH_RUNTIME, type MeshRuntime, StartUpConditions } from '@meshmart/mesh';
import { createKafka, createKafkaProbe, KAFKA, KafkaNames, KafkaOutboxPublisher, outboxProducerConfig } from '@meshmart/messaging';
import { createServiceDataSource } from '../data-source/open-data-source';
import { databaseNameOf, type PersistenceConfig, persistenceConfigSchema } from '../data-source/persistence-config';
import { OutboxRelay } from '../outbox/outbox-relay';
import { PersistenceStartup } from './persistence-startup';

export interface PersistenceModuleOptions {
  /** The workload name, e.g. `order-service`: names the database and the Kafka client. */
  service: string;
  entities: (abstract new (...args: never[]) => unknown)[] | EntitySchema[];
  migrations: (new () => MigrationInterface)[];
  env?: NodeJS.ProcessEnv;
}

/** Starts the outbox relay once Postgres and Kafka are reached, and stops it (then Kafka, then Postgres) on shutdown. */
class PersistenceLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private stopped = false;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject('OUTBOX_PRODUCER') private readonly producer: Producer,
    @Inject(PersistenceStartup) private readonly startup: PersistenceStartup,
  ) {}

  onApplicationBootstrap(): void {
    void this.startup.whenReady().then(() => {
      if (!this.stopped) this.relay.start();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.startup.stop();
    await this.relay.stop();
    await this.producer.disconnect();
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

/**
 * A service's data side: its own Postgres database (created and migrated at start), its Kafka
 * client, and the outbox relay publishing what its transactions wrote. Exports `DataSource`,
 * `OutboxRelay` (nudge it after a commit that wrote events), `KAFKA` and `PersistenceStartup`
 * (wait for the database; start event consumers). Postgres and Kafka are reached in the
 * background (see `PersistenceStartup`): the app is created and listens while they are down.
 * @example PersistenceModule.forRoot({ service: 'order-service', entities: [OrderEntity], migrations: [CreateOrders1764…] })
 */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceModuleOptions): DynamicModule {
    const logger = new Logger('OutboxRelay');
    const startUpLogger = new Logger('StartUp');
    const databaseOf = (config: PersistenceConfig) => databaseNameOf(config, options.service);
    const providers: Provider[] = [
      // Parsed when the app boots (after the mesh's own settings), not when the module is imported.
      { provide: 'PERSISTENCE_CONFIG', useFactory: () => parseConfig(options.env ?? process.env) },
      {
        provide: DataSource,
        inject: ['PERSISTENCE_CONFIG'],
        useFactory: (config: PersistenceConfig) =>
          createServiceDataSource({
            url: config.DATABASE_URL,
            database: databaseOf(config),
            entities: options.entities,
            migrations: options.migrations,
            poolSize: config.DATABASE_POOL_SIZE,
            applicationName: options.service,
          }),
      },
      {
        provide: KAFKA,
        inject: ['PERSISTENCE_CONFIG'],
        useFactory: (config: PersistenceConfig) => createKafka({ clientId: options.service, brokers: config.KAFKA_BROKERS }),
      },
      { provide: 'OUTBOX_PRODUCER', inject: [KAFKA], useFactory: (kafka: Kafka) => kafka.producer(outboxProducerConfig()) },
      {
        provide: PersistenceStartup,
        inject: ['PERSISTENCE_CONFIG', DataSource, KAFKA, 'OUTBOX_PRODUCER', { token: MESH_RUNTIME, optional: true }],
        useFactory: (
          config: PersistenceConfig,
          dataSource: DataSource,
          kafka: Kafka,
          outboxProducer: Producer,
          runtime: Pick<MeshRuntime, 'startUp'> | undefined,
        ) =>
          new PersistenceStartup({
            dataSource,
            url: config.DATABASE_URL,
            database: databaseOf(config),
            kafka,
            kafkaProbe: createKafkaProbe({ clientId: options.service, brokers: config.KAFKA_BROKERS }),
            outboxProducer,
            kafkaNames: kafkaNamesOf(config),
            startUp: runtime?.startUp ?? new StartUpConditions(),
            log: { warn: (line) => startUpLogger.warn(line), log: (line) => startUpLogger.log(line) },
          }),
      },
      {
        provide: OutboxRelay,
        inject: ['PERSISTENCE_CONFIG', DataSource, 'OUTBOX_PRODUCER'],
        useFactory: (config: PersistenceConfig, dataSource: DataSource, producer: Producer) =>
          new OutboxRelay(dataSource, new KafkaOutboxPublisher(producer, kafkaNamesOf(config)), {
            onError: (error) => logger.warn(`outbox relay round failed, retrying: ${error instanceof Error ? error.message : String(error)}`),
          }),
      },
      PersistenceLifecycle,
    ];
    return { module: PersistenceModule, providers, exports: [DataSource, OutboxRelay, KAFKA, PersistenceStartup] };
  }
}

function kafkaNamesOf(config: PersistenceConfig): KafkaNames {
  return config.KAFKA_PREFIX ? new KafkaNames(config.KAFKA_PREFIX) : KafkaNames.unprefixed;
}

function parseConfig(env: NodeJS.ProcessEnv): PersistenceConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = persistenceConfigSchema.safeParse(present);
  if (!parsed.success) throw new Error(`invalid configuration: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  return parsed.data;
}
