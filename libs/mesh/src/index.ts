export { InvalidServiceConfig, loadServiceConfig, serviceConfigSchema } from './config/service-config';
export type { ServiceConfig } from './config/service-config';
export { HealthController } from './server/health.controller';
export type { HealthReport } from './server/health.controller';
export { MeshModule } from './server/mesh.module';
export type { MeshModuleOptions } from './server/mesh.module';
export { runService } from './server/run-service';
export type { RunningService, RunServiceOptions } from './server/run-service';
export { SERVICE_NAME } from './server/tokens';
