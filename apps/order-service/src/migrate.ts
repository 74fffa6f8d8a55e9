import 'reflect-metadata';
import { runMigrationCli } from '@meshmart/persistence';
import { entities, migrations } from './data';

runMigrationCli({ service: 'order-service', entities, migrations }).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
