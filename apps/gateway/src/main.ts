import 'reflect-metadata';
import { runService } from '@meshmart/mesh';
import { AppModule } from './app.module';

runService({ service: 'gateway', module: AppModule, defaultPort: 8080 }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
