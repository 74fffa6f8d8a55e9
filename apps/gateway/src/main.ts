import 'reflect-metadata';
import { runService } from '@meshmart/mesh';
import { AppModule } from './app.module';
import { mountOpenApi } from './docs/openapi';
import { installPublicEdge } from './edge/public-edge';
import { GATEWAY_CONFIG, type GatewayConfig } from './gateway-config';
import { mesh } from './mesh';
import { workload } from './workload';

runService({
  mesh,
  module: AppModule,
  defaultPort: workload.port,
  listener: 'plain',
  beforeMeshHooks: (app) => installPublicEdge(app.getHttpAdapter().getInstance(), app.get<GatewayConfig>(GATEWAY_CONFIG)),
  configure: mountOpenApi,
}).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
