import 'reflect-metadata';
import { runService } from '@meshmart/mesh';
import { AppModule } from './app.module';
import { mountOpenApi } from './docs/openapi';
import { mesh } from './mesh';

runService({ mesh, module: AppModule, defaultPort: 8080, listener: 'plain', configure: mountOpenApi }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
