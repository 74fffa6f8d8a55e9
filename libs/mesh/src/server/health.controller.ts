import { Controller, Get, Inject, UseFilters } from '@nestjs/common';
import { HealthCheck, type HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { AllowAnyPeer } from '../authz/route-access.decorator';
import { HealthCheckFailedFilter } from './health-check-failed.filter';
import { MeshHealthIndicator } from './mesh-health.indicator';
import { SERVICE_NAME } from './tokens';

/**
 * The liveness answer: exactly `{ status: 'ok', service }`. It checks nothing beyond "the
 * process serves", so it says only that and who answers; dependencies belong to readiness.
 */
export interface HealthReport {
  status: 'ok';
  service: string;
}

/**
 * Health of the instance, through terminus. `GET /health` is liveness: the mesh's active health
 * checks and liveness probes call it, and it turns 503 only once the app is shutting down.
 * `GET /health/ready` is readiness: terminus' body with the mesh's parts (registered,
 * certificate, upstream instances), 503 when one of them is down. Both are open to any mesh
 * peer, over mTLS like every other route.
 */
@Controller('health')
@AllowAnyPeer()
@UseFilters(HealthCheckFailedFilter)
export class HealthController {
  constructor(
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly health: HealthCheckService,
    private readonly mesh: MeshHealthIndicator,
  ) {}

  @Get()
  @HealthCheck()
  async live(): Promise<HealthReport> {
    // No indicators: terminus only adds its shutting-down state (503) to "the process serves".
    await this.health.check([]);
    return { status: 'ok', service: this.service };
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.health.check([() => this.mesh.check()]);
  }
}
