import { DataSource, type EntitySchema, type MigrationInterface, type MixedList } from 'typeorm';
import { ensureDatabase } from './ensure-database';
import { OutboxAndInboxMigration } from '../outbox/outbox-migration';

type EntityList = MixedList<string | (abstract new (...args: never[]) => unknown) | EntitySchema>;
type MigrationClass = new () => MigrationInterface;

export interface OpenDataSourceOptions {
  /** A URL of the Postgres server; its database part is replaced by `database`. */
  url: string;
  /** The service's own database, created on first use (`meshmart_<service>`). */
  database: string;
  entities: EntityList;
  /** The service's migrations, in order. The outbox and inbox tables come first, from this lib. */
  migrations: readonly MigrationClass[];
  /** Run pending migrations while opening (services do; the CLI and tests may not). */
  migrate?: boolean;
  poolSize?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
}

// One lock per database, so two instances starting together do not both migrate.
const MIGRATION_LOCK = 0x6d65_7368; // "mesh"

/**
 * The DataSource of one service database: created on demand, migrated under an advisory lock,
 * never `synchronize`d (the schema is what the migrations say, reviewed like code).
 * @example const db = await openDataSource({ url, database: 'meshmart_order', entities: [OrderEntity], migrations: [CreateOrders] });
 */
export async function openDataSource(options: OpenDataSourceOptions): Promise<DataSource> {
  const dataSource = createServiceDataSource(options);
  try {
    await prepareServiceDatabase(dataSource, options);
  } catch (error) {
    if (dataSource.isInitialized) await dataSource.destroy();
    throw error;
  }
  return dataSource;
}

/**
 * The DataSource of a service database, not connected yet: what the app's providers get at
 * once, while `prepareServiceDatabase` reaches the server in the background.
 */
export function createServiceDataSource(options: OpenDataSourceOptions): DataSource {
  const url = new URL(options.url);
  url.pathname = `/${options.database}`;
  return new DataSource({
    type: 'postgres',
    url: url.toString(),
    entities: options.entities,
    migrations: [OutboxAndInboxMigration, ...options.migrations],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    // Failed queries reach the caller as errors; logging them too would also log expected ones (a repeated idempotency key).
    logging: false,
    poolSize: options.poolSize ?? 10,
    applicationName: options.applicationName ?? options.database,
  });
}

/**
 * Creates the database if needed, connects `dataSource` and runs pending migrations. Safe to
 * call again after it failed (the server went away half-way): each step resumes where it is.
 */
export async function prepareServiceDatabase(dataSource: DataSource, options: Pick<OpenDataSourceOptions, 'url' | 'database' | 'migrate'>): Promise<void> {
  await ensureDatabase(options.url, options.database);
  if (!dataSource.isInitialized) await dataSource.initialize();
  if (options.migrate !== false) await migrate(dataSource);
}

/** Runs pending migrations holding the database's migration lock; returns the names it ran. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const ran = await dataSource.runMigrations({ transaction: 'each' });
      return ran.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
