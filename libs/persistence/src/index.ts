// Public API of @meshmart/persistence: one DataSource per service database, migrations, the
// transactional outbox and the inbox.
export { ensureDatabase, pingPostgres } from './data-source/ensure-database';
export { createServiceDataSource, migrate, openDataSource, prepareServiceDatabase } from './data-source/open-data-source';
export type { OpenDataSourceOptions } from './data-source/open-data-source';
export { appendToOutbox } from './outbox/outbox';
export type { NewEvent } from './outbox/outbox';
export { OutboxRelay } from './outbox/outbox-relay';
export type { OutboxPublisher, OutboxRecord, OutboxRelayOptions } from './outbox/outbox-relay';
export { claimMessage } from './inbox/inbox';
export { defaultDatabaseName, persistenceConfigSchema } from './data-source/persistence-config';
export type { PersistenceConfig } from './data-source/persistence-config';
export { PersistenceModule } from './nest/persistence.module';
export type { PersistenceModuleOptions } from './nest/persistence.module';
export { PersistenceStartup } from './nest/persistence-startup';
export { consumeEvents } from './nest/consume-events';
export type { PersistenceStartupOptions } from './nest/persistence-startup';
export { runMigrationCli } from './data-source/migration-cli';
export type { MigrationCliOptions } from './data-source/migration-cli';
