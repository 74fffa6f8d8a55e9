import { Controller, Get, Inject } from '@nestjs/common';
import { AllowAnyPeer } from '../authz/route-access.decorator';
import { SERVICE_NAME } from './tokens';

export interface HealthReport {
  status: 'ok';
  service: string;
}

/** Liveness: the process serves. Active health checks of the mesh call it over mTLS. */
@Controller('health')
@AllowAnyPeer()
export class HealthController {
  constructor(@Inject(SERVICE_NAME) private readonly service: string) {}

  @Get()
  health(): HealthReport {
    return { status: 'ok', service: this.service };
  }
}
