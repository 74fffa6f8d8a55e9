import 'reflect-metadata';
import { runService } from '@meshmart/mesh';
import { consumeEvents } from '@meshmart/persistence';
import { AppModule } from './app.module';
import { mesh } from './mesh';
import { workload } from './workload';

// Its @EventPattern handlers consume in the background: the instance listens without waiting for Kafka.
runService({ mesh, module: AppModule, defaultPort: workload.port, configure: consumeEvents }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
