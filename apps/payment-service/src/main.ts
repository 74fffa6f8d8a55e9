import 'reflect-metadata';
import { runService } from '@meshmart/mesh';
import { AppModule } from './app.module';
import { mesh } from './mesh';

runService({ mesh, module: AppModule, defaultPort: 8084 }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
