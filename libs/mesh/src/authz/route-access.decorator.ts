import { SetMetadata } from '@nestjs/common';
import type { AuthorizationSource } from './authorization-policy';

export const ROUTE_ACCESS = 'meshmart:route-access';

/** Which callers a route admits; turned into one AuthorizationPolicy rule per route. */
export type RouteAccess = { kind: 'workloads'; workloads: string[] } | { kind: 'any-peer' } | { kind: 'source'; source: AuthorizationSource };

/**
 * Admits calls from the named workloads (their SPIFFE identities) to this route or controller.
 * Routes without it admit nobody: a service with the mesh denies by default.
 * @example @AllowFrom('cart-service', 'order-service') @Get('products/:sku')
 */
export const AllowFrom = (...workloads: [string, ...string[]]) => SetMetadata(ROUTE_ACCESS, { kind: 'workloads', workloads } satisfies RouteAccess);

/** Admits any caller with a valid mesh certificate (health checks, metrics scrapes). */
export const AllowAnyPeer = () => SetMetadata(ROUTE_ACCESS, { kind: 'any-peer' } satisfies RouteAccess);

/**
 * Admits the callers an Istio `from.source` describes: principals and namespaces with their
 * `not*` forms, each value exact, `prefix*`, `*suffix` or `*`. For what `@AllowFrom` cannot
 * say, e.g. a family of workloads by principal prefix.
 * @example @AllowSource({ principals: ['meshmart.local/ns/meshmart/sa/batch-*'] })
 */
export const AllowSource = (source: AuthorizationSource) => SetMetadata(ROUTE_ACCESS, { kind: 'source', source } satisfies RouteAccess);
