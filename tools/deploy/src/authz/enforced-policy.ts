import { Global, Logger, Module, type Provider, type Type } from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA, GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA } from '@nestjs/common/constants';
import { type DiscoveryService, MetadataScanner, NestFactory, Reflector } from '@nestjs/core';
import { MESH_RUNTIME, MeshModule } from '@meshmart/mesh';
import { type AuthorizationPolicy, type DeclaredRoute, HealthController, MeshAuthorizationGuard, MetricsController, RouteCatalog } from '@meshmart/mesh/tools';
import type { AppSources } from '../platform/app-sources';
import { readModuleGraph } from '../platform/module-graph';

/**
 * The AuthorizationPolicy a workload's library enforces in local mode, from the guard itself
 * (`MeshAuthorizationGuard.currentPolicy()`): a Nest context holds the mesh module and the
 * app's controllers, their dependencies stubbed, since only the routes' metadata matters.
 */
export async function enforcedPolicy(sources: AppSources, workload: string, naming: { trustDomain: string; namespace: string }): Promise<AuthorizationPolicy> {
  const graph = readModuleGraph(await sources.appModule(workload));
  const mesh = await sources.meshOptions(workload);
  // The mesh module brings its own health and metrics controllers once, as in the app.
  const controllers = [...graph.controllers].filter((controller) => controller !== HealthController && controller !== MetricsController);
  const runtime = {
    service: workload,
    config: { MESH_TRUST_DOMAIN: naming.trustDomain, MESH_NAMESPACE: naming.namespace, MESH_MODE: 'proxyless', MESH_LISTENER: 'mtls' },
  };

  @Global()
  @Module({ providers: [{ provide: MESH_RUNTIME, useValue: runtime }], exports: [MESH_RUNTIME] })
  class RuntimeStub {}

  @Module({ imports: [RuntimeStub, MeshModule.forRoot(mesh)], controllers, providers: stubsFor(controllers) })
  class RoutesOnly {}

  const context = await NestFactory.createApplicationContext(RoutesOnly, { logger: false, abortOnError: false });
  try {
    return context.get(MeshAuthorizationGuard).currentPolicy();
  } finally {
    await context.close();
    Logger.flush();
  }
}

/**
 * The routes of a workload that declare no mesh access (no `@AllowFrom`, no `@AllowAnyPeer`):
 * on the public edge these are the shoppers' routes, which only the ingress gateway may call.
 * Read by the library's own RouteCatalog from the controllers' metadata alone: nothing is
 * instantiated, so no guard's start-up hook runs against stubs.
 */
export async function publicRoutes(sources: AppSources, workload: string): Promise<DeclaredRoute[]> {
  const controllers = [...readModuleGraph(await sources.appModule(workload)).controllers];
  const discovery = { getControllers: () => controllers.map((metatype) => ({ metatype, instance: Object.create(metatype.prototype) as object })) };
  const catalog = new RouteCatalog(discovery as unknown as DiscoveryService, new MetadataScanner(), new Reflector());
  return catalog.routes().filter((route) => route.access === undefined);
}

/**
 * An empty stand-in for every constructor dependency of the controllers and of the guards,
 * interceptors, pipes and filters they name (Nest builds those too); none is called here.
 */
function stubsFor(controllers: Type<unknown>[]): Provider[] {
  const tokens = new Set<unknown>();
  for (const controller of [...controllers, ...controllers.flatMap(enhancersOf)]) {
    const types = (Reflect.getMetadata('design:paramtypes', controller) as unknown[] | undefined) ?? [];
    const injected = (Reflect.getMetadata('self:paramtypes', controller) as { index: number; param: unknown }[] | undefined) ?? [];
    types.forEach((type, index) => tokens.add(injected.find((entry) => entry.index === index)?.param ?? type));
  }
  return [...tokens].filter((token) => token !== undefined && token !== Object).map((token) => ({ provide: token as string, useValue: {} }));
}

const enhancerKeys = [GUARDS_METADATA, INTERCEPTORS_METADATA, PIPES_METADATA, EXCEPTION_FILTERS_METADATA];

/** The injectable classes a controller's decorators name, on the class and on its methods. */
function enhancersOf(controller: Type<unknown>): Type<unknown>[] {
  const prototype = controller.prototype as Record<string, unknown>;
  const targets: object[] = [
    controller,
    ...Object.getOwnPropertyNames(prototype)
      .map((name) => prototype[name])
      .filter((member): member is object => typeof member === 'function'),
  ];
  return targets.flatMap((target) =>
    enhancerKeys.flatMap((key) =>
      ((Reflect.getMetadata(key, target) as unknown[] | undefined) ?? []).filter((item): item is Type<unknown> => typeof item === 'function'),
    ),
  );
}
