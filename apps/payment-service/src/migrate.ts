import 'reflect-metadata';
import { runMigrationCli } from '@meshmart/persistence';
import { entities, migrations } from './data';

// `nx run payment-service:migrate`: for deployments that migrate as a step of their own
// (the service also migrates at start, under the same lock).
runMigrationCli({ service: 'payment-service', entities, migrations }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
