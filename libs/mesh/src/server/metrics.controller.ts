import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AllowAnyPeer } from '../authz/route-access.decorator';
import type { MeshRuntime } from '../runtime/mesh-runtime';
import { MESH_RUNTIME } from '../runtime/tokens';

/** Istio-compatible and runtime metrics of this instance, for any mesh peer (Prometheus included). */
@Controller('metrics')
@AllowAnyPeer()
export class MetricsController {
  constructor(@Inject(MESH_RUNTIME) private readonly runtime: MeshRuntime) {}

  @Get()
  @Header('cache-control', 'no-store')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    await reply.type(this.runtime.metrics.contentType).send(await this.runtime.metrics.metricsText());
  }
}
