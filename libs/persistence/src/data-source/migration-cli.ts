import type { EntitySchema, MigrationInterface } from 'typeorm';
import { databaseNameOf, persistenceConfigSchema } from './persistence-config';
import { migrate, openDataSource } from './open-data-source';

export interface MigrationCliOptions {
  service: string;
  entities: (abstract new (...args: never[]) => unknown)[] | EntitySchema[];
  migrations: (new () => MigrationInterface)[];
}

/**
 * The `migrate` entry point of a service (`nx run order-service:migrate`): applies pending
 * migrations to its database and prints what it ran. Services also migrate at start; this is
 * for deployments that migrate as a separate step.
 */
export async function runMigrationCli(options: MigrationCliOptions, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const config = persistenceConfigSchema
    .pick({ DATABASE_URL: true, DATABASE_NAME: true })
    .parse({ DATABASE_URL: env['DATABASE_URL'], DATABASE_NAME: env['DATABASE_NAME'] || undefined });
  const database = databaseNameOf(config, options.service);
  const dataSource = await openDataSource({ url: config.DATABASE_URL, database, entities: options.entities, migrations: options.migrations, migrate: false });
  try {
    const ran = await migrate(dataSource);
    console.log(ran.length === 0 ? `${database}: up to date` : `${database}: applied ${ran.join(', ')}`);
  } finally {
    await dataSource.destroy();
  }
}
