import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { peerSpiffeId } from '../identity/mtls-server';
import type { MeshRuntime } from '../runtime/mesh-runtime';
import { MESH_RUNTIME } from '../runtime/tokens';
import { AccessDenied } from './access-denied';
import { type AuthorizationPolicy, principalOf } from './authorization-policy';
import { MalformedRequest } from './malformed-request';
import { authorize } from './policy-matcher';
import { RouteCatalog } from './route-catalog';
import { policyFromRoutes } from './route-policy';

/**
 * Enforces the workload's AuthorizationPolicy on every request of an mTLS listener, by the
 * caller's verified SPIFFE ID. The policy is built once from the routes' `@AllowFrom`, the
 * same data that renders the Istio manifests. Off where the listener is the public edge or
 * Istio enforces it (sidecar mode).
 */
@Injectable()
export class MeshAuthorizationGuard implements CanActivate, OnApplicationBootstrap {
  private readonly logger = new Logger('MeshAuthorization');
  private policy: AuthorizationPolicy | undefined;
  /** Per handler, the rules of its own route(s) only. */
  private readonly handlerPolicies = new WeakMap<object, AuthorizationPolicy>();

  constructor(
    @Inject(MESH_RUNTIME) private readonly runtime: MeshRuntime,
    private readonly routes: RouteCatalog,
  ) {}

  /** Builds (and so validates, as Istio's webhook would) the policy before the first request. */
  onApplicationBootstrap(): void {
    this.currentPolicy();
  }

  /** The policy this workload enforces (built on first use). */
  currentPolicy(): AuthorizationPolicy {
    this.policy ??= policyFromRoutes(this.runtime.service, this.routes.routes(), this.naming());
    return this.policy;
  }

  private policyOf(context: ExecutionContext): AuthorizationPolicy {
    const handler = context.getHandler();
    let policy = this.handlerPolicies.get(handler);
    if (!policy) {
      policy = policyFromRoutes(this.runtime.service, this.routes.routesOf(context.getClass(), handler), this.naming());
      this.handlerPolicies.set(handler, policy);
    }
    return policy;
  }

  private naming() {
    return { trustDomain: this.runtime.config.MESH_TRUST_DOMAIN, namespace: this.runtime.config.MESH_NAMESPACE };
  }

  canActivate(context: ExecutionContext): boolean {
    const { config } = this.runtime;
    if (config.MESH_MODE === 'sidecar' || config.MESH_LISTENER === 'plain' || context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const caller = peerSpiffeId(request.raw.socket);
    // Only the matched route's own rules decide: a sibling route's template (`/products/{*}`)
    // must not open a static route (`/products/reservations`) that the router sends elsewhere.
    // That is never wider than Istio, which reads all the rules. The URL was normalized before
    // routing (normalizeUrl); authorize normalizes again, which changes nothing then.
    const decision = authorize(this.policyOf(context), {
      principal: caller === undefined ? undefined : principalOf(caller),
      method: request.method,
      path: request.url,
    });
    if (decision.allowed) return true;
    if (decision.malformed) throw new MalformedRequest(decision.reason);
    this.runtime.metrics.internal.recordAuthzDenied(this.runtime.service, caller);
    this.logger.warn(`denied ${caller ?? 'unauthenticated caller'}: ${request.method} ${request.url.split('?')[0]}`);
    throw new AccessDenied(decision.reason, caller);
  }
}
