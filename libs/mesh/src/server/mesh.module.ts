import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { MeshAuthorizationGuard } from '../authz/mesh-authorization.guard';
import { RouteCatalog } from '../authz/route-catalog';
import { HealthController } from './health.controller';
import { MeshHealthIndicator } from './mesh-health.indicator';
import { MeshClient } from './mesh-client';
import { MetricsController } from './metrics.controller';
import { ProblemJsonFilter } from './problem-json.filter';
import { PUBLIC_EDGE, SERVICE_NAME } from '../runtime/tokens';

/** What an app tells the mesh about itself; one object, shared by its module and its `main.ts`. */
export interface MeshModuleOptions {
  /** The workload name, as registered in discovery and carried in the SPIFFE ID. */
  service: string;
  /**
   * The services it calls: `runService` watches each in discovery and builds its client at
   * start, so `MeshClient.client(name)` works for these (and fails fast for any other).
   */
  upstreams?: readonly string[];
  /**
   * The workload answers the public internet (the gateway). Then its health says only
   * `{ status: 'up' | 'down' }` and its problem documents carry no `instance`: nothing of the
   * inside, and nothing the caller sent, is echoed. Default `false`.
   */
  publicEdge?: boolean;
}

/**
 * The NestJS face of the mesh: health (terminus: liveness and readiness) and metrics
 * endpoints, the authorization guard, the problem+json filter, the injectable `MeshClient` and
 * `MeshHealthIndicator` (for apps that add checks of their own). Import it once in the root
 * module; the process's `MeshRuntime` comes from `runService`.
 * @example @Module({ imports: [MeshModule.forRoot(meshOptions)] }) export class AppModule {}
 */
@Module({})
export class MeshModule {
  static forRoot(options: MeshModuleOptions): DynamicModule {
    return MeshModule.build([
      { provide: SERVICE_NAME, useValue: options.service },
      { provide: PUBLIC_EDGE, useValue: options.publicEdge ?? false },
    ]);
  }

  /** The same, with options from a factory (e.g. a config service). */
  static forRootAsync(options: { useFactory: (...args: never[]) => MeshModuleOptions | Promise<MeshModuleOptions>; inject?: never[] }): DynamicModule {
    return MeshModule.build([
      { provide: 'MESH_MODULE_OPTIONS', useFactory: options.useFactory, inject: options.inject ?? [] },
      { provide: SERVICE_NAME, useFactory: (resolved: MeshModuleOptions) => resolved.service, inject: ['MESH_MODULE_OPTIONS'] },
      { provide: PUBLIC_EDGE, useFactory: (resolved: MeshModuleOptions) => resolved.publicEdge ?? false, inject: ['MESH_MODULE_OPTIONS'] },
    ]);
  }

  private static build(providers: Provider[]): DynamicModule {
    return {
      module: MeshModule,
      global: true,
      imports: [DiscoveryModule, TerminusModule.forRoot()],
      controllers: [HealthController, MetricsController],
      providers: [
        ...providers,
        MeshClient,
        MeshHealthIndicator,
        RouteCatalog,
        MeshAuthorizationGuard,
        { provide: APP_GUARD, useExisting: MeshAuthorizationGuard },
        { provide: APP_FILTER, useClass: ProblemJsonFilter },
      ],
      exports: [SERVICE_NAME, MeshClient, MeshAuthorizationGuard, MeshHealthIndicator],
    };
  }
}
