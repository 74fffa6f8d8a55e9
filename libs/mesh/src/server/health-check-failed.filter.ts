import { type ArgumentsHost, Catch, type ExceptionFilter, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

/**
 * Health routes answer a failed check with terminus' own body (`{ status, info, error,
 * details }`) rather than problem+json: probes, load balancers and operators read that shape,
 * and it names the failing parts. Uncached, like the 200 answers. Scoped to the health
 * controller, so it runs before the global `ProblemJsonFilter` and nowhere else.
 */
@Catch(ServiceUnavailableException)
export class HealthCheckFailedFilter implements ExceptionFilter {
  catch(error: ServiceUnavailableException, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    void reply.status(error.getStatus()).header('cache-control', 'no-cache, no-store, must-revalidate').send(error.getResponse());
  }
}
