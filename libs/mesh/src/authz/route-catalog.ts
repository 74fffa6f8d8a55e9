import { Injectable, type RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { ROUTE_ACCESS, type RouteAccess } from './route-access.decorator';
import type { DeclaredRoute } from './route-policy';

/** Lists the app's routes with the access their `@AllowFrom`/`@AllowAnyPeer` declare. */
@Injectable()
export class RouteCatalog {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  /** Every route of every controller. */
  routes(): DeclaredRoute[] {
    const routes: DeclaredRoute[] = [];
    for (const wrapper of this.discovery.getControllers()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
      for (const name of this.scanner.getAllMethodNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler === 'function') routes.push(...this.routesOf(metatype, handler));
      }
    }
    return routes;
  }

  /** The route(s) one handler serves (several when it lists several paths). */
  routesOf(controller: object, handler: object): DeclaredRoute[] {
    const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
    if (method === undefined) return [];
    const access =
      this.reflector.get<RouteAccess | undefined>(ROUTE_ACCESS, handler as never) ??
      this.reflector.get<RouteAccess | undefined>(ROUTE_ACCESS, controller as never);
    const routes: DeclaredRoute[] = [];
    for (const base of pathsOf(Reflect.getMetadata(PATH_METADATA, controller))) {
      for (const path of pathsOf(Reflect.getMetadata(PATH_METADATA, handler))) routes.push({ method, path: `${base}/${path}`, access });
    }
    return routes;
  }
}

function pathsOf(metadata: unknown): string[] {
  if (Array.isArray(metadata)) return metadata.map(String);
  return [typeof metadata === 'string' ? metadata : '/'];
}
