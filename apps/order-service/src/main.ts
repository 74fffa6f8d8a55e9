import 'reflect-metadata';
import { runService } from '@meshmart/mesh';
import { AppModule } from './app.module';

runService({ service: 'order-service', module: AppModule, defaultPort: 8082 }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
