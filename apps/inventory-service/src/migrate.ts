import 'reflect-metadata';
import { runMigrationCli } from '@meshmart/persistence';
import { entities, migrations } from './data';
import { mesh } from './mesh';

// `nx run inventory-service:migrate`: for deployments that migrate before starting the service.
runMigrationCli({ service: mesh.service, entities, migrations }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
