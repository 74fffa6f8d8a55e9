import 'reflect-metadata';
import { connectEventServer } from '@meshmart/messaging';
import { runService } from '@meshmart/mesh';
import { PersistenceStartup } from '@meshmart/persistence';
import { AppModule } from './app.module';
import { mesh } from './mesh';
import { workload } from './workload';

// Its @EventPattern handlers consume in the background: the instance listens without waiting for Kafka.
runService({
  mesh,
  module: AppModule,
  defaultPort: workload.port,
  configure: (app) => connectEventServer(app, app.get(PersistenceStartup).eventServer()),
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
