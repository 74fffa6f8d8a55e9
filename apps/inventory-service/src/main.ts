import 'reflect-metadata';
import { runService } from '@meshmart/mesh';
import { AppModule } from './app.module';

runService({ service: 'inventory-service', module: AppModule, defaultPort: 8083 }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
