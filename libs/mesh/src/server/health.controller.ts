import { Controller, Get, Inject } from '@nestjs/common';
import { SERVICE_NAME } from './tokens';

export interface HealthReport {
  status: 'ok';
  service: string;
}

/** Liveness and readiness. Later mesh parts add their checks (registry, certificates). */
@Controller('health')
export class HealthController {
  constructor(@Inject(SERVICE_NAME) private readonly service: string) {}

  @Get()
  health(): HealthReport {
    return { status: 'ok', service: this.service };
  }
}
