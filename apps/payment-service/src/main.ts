import 'reflect-metadata';
import { runService } from '@meshmart/mesh';
import { AppModule } from './app.module';

runService({ service: 'payment-service', module: AppModule, defaultPort: 8084 }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
