import 'reflect-metadata';
import { runService } from '@meshmart/mesh';
import { AppModule } from './app.module';
import { mesh } from './mesh';
import { workload } from './workload';

runService({ mesh, module: AppModule, defaultPort: workload.port }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
