import { Controller, Get, Inject, ServiceUnavailableException, UseFilters } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { AllowAnyPeer } from '../authz/route-access.decorator';
import { HealthCheckFailedFilter } from './health-check-failed.filter';
import { MeshHealthIndicator } from './mesh-health.indicator';
import { PUBLIC_EDGE, SERVICE_NAME } from '../runtime/tokens';

/**
 * The liveness answer: exactly `{ status: 'ok', service }`. It checks nothing beyond "the
 * process serves", so it says only that and who answers; dependencies belong to readiness.
 */
export interface HealthReport {
  status: 'ok';
  service: string;
}

/** What the public edge's health routes say, and nothing more: which instance, its parts and counts stay inside. */
export interface PublicHealthReport {
  status: 'up' | 'down';
}

// Uncached, and without terminus' OpenAPI annotations: looking for them loads all of
// @nestjs/swagger into every service at start, for endpoints no public document lists.
const HEALTH_CHECK = { noCache: true, swaggerDocumentation: false };

/**
 * Health of the instance, through terminus. `GET /health` is liveness: the mesh's active health
 * checks and liveness probes call it, and it turns 503 only once the app is shutting down.
 * `GET /health/ready` is readiness: terminus' body with the mesh's parts (registered,
 * certificate, upstream instances), 503 when one of them is down. Both are open to any mesh
 * peer, over mTLS like every other route. At the public edge (`publicEdge`) both answer only
 * `{ status: 'up' }`, or 503 `{ status: 'down' }`.
 */
@Controller('health')
@AllowAnyPeer()
@UseFilters(HealthCheckFailedFilter)
export class HealthController {
  constructor(
    @Inject(SERVICE_NAME) private readonly service: string,
    @Inject(PUBLIC_EDGE) private readonly publicEdge: boolean,
    private readonly health: HealthCheckService,
    private readonly mesh: MeshHealthIndicator,
  ) {}

  @Get()
  @HealthCheck(HEALTH_CHECK)
  async live(): Promise<HealthReport | PublicHealthReport> {
    // No indicators: terminus only adds its shutting-down state (503) to "the process serves".
    const check = this.health.check([]);
    if (this.publicEdge) return upOrDown(check);
    await check;
    return { status: 'ok', service: this.service };
  }

  @Get('ready')
  @HealthCheck(HEALTH_CHECK)
  ready(): Promise<HealthCheckResult | PublicHealthReport> {
    const check = this.health.check([() => this.mesh.check()]);
    return this.publicEdge ? upOrDown(check) : check;
  }
}

/** Terminus' verdict without its details: 503 `{ status: 'down' }` through `HealthCheckFailedFilter`. */
async function upOrDown(check: Promise<HealthCheckResult>): Promise<PublicHealthReport> {
  try {
    await check;
    return { status: 'up' };
  } catch (error) {
    if (error instanceof ServiceUnavailableException) throw new ServiceUnavailableException({ status: 'down' });
    throw error;
  }
}
