import { RequestMethod } from '@nestjs/common';
import type { AuthorizationPolicy, AuthorizationRule, AuthorizationSource } from './authorization-policy';
import { parseAuthorizationPolicy } from './policy-validation';
import type { RouteAccess } from './route-access.decorator';

/** One route of a Nest app with the access its decorators declare. */
export interface DeclaredRoute {
  method: RequestMethod;
  /** Nest path, with `:params`. */
  path: string;
  access: RouteAccess | undefined;
}

export interface IdentityNaming {
  trustDomain: string;
  namespace: string;
}

/**
 * Builds the workload's AuthorizationPolicy from its routes: one ALLOW rule per admitted route,
 * with Nest's `:param` segments as Istio's `{*}`. Routes that admit nobody add no rule, so
 * they are denied, as everything is by default.
 */
export function policyFromRoutes(workload: string, routes: readonly DeclaredRoute[], naming: IdentityNaming): AuthorizationPolicy {
  const rules: AuthorizationRule[] = [];
  for (const route of routes) {
    if (!route.access) continue;
    const methods = route.method === RequestMethod.ALL ? undefined : [RequestMethod[route.method]];
    rules.push({
      from: [{ source: sourceOf(route.access, naming) }],
      to: [{ operation: { ...(methods ? { methods } : {}), paths: [istioPath(route.path)] } }],
    });
  }
  // Checked as Istio's webhook would check the rendered manifest, so a bad `@AllowSource` or
  // route path fails when the app starts (and at deploy:generate), not at `kubectl apply`.
  return parseAuthorizationPolicy({ workload, rules });
}

function sourceOf(access: RouteAccess, naming: IdentityNaming): AuthorizationSource {
  if (access.kind === 'source') return structuredClone(access.source);
  return { principals: access.kind === 'any-peer' ? ['*'] : access.workloads.map((w) => `${naming.trustDomain}/ns/${naming.namespace}/sa/${w}`) };
}

/** `products/:sku/` → `/products/{*}`: Nest's path as an Istio path template. */
export function istioPath(nestPath: string): string {
  const segments = nestPath.split('/').filter((segment) => segment.length > 0);
  return `/${segments.map((segment) => (segment.startsWith(':') ? '{*}' : segment === '*' ? '{**}' : segment)).join('/')}`;
}
