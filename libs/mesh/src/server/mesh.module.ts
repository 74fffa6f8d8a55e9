import { type DynamicModule, Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { SERVICE_NAME } from './tokens';

export interface MeshModuleOptions {
  /** The workload name, as registered in discovery and carried in the SPIFFE ID. */
  service: string;
}

/** The NestJS face of the mesh: every app imports it once, in its root module. */
@Module({})
export class MeshModule {
  static forRoot(options: MeshModuleOptions): DynamicModule {
    return {
      module: MeshModule,
      global: true,
      controllers: [HealthController],
      providers: [{ provide: SERVICE_NAME, useValue: options.service }],
      exports: [SERVICE_NAME],
    };
  }
}
