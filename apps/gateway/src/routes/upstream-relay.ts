import { Inject, Injectable, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { MeshClient, MeshError, PROBLEM_CONTENT_TYPE, ProblemException, type UpstreamRequestOptions } from '@meshmart/mesh';

/**
 * Forwards a shopper's request to a service through the mesh and answers with what the service
 * said (status and body; problem documents stay problem documents, without their `instance`:
 * that is the service's route, `/users/<id>/orders/<id>`, not the shopper's). Mesh failures
 * become a fixed 503 text: addresses and instance ids of the inside never reach the public edge.
 */
@Injectable()
export class UpstreamRelay {
  private readonly logger = new Logger('UpstreamRelay');

  constructor(@Inject(MeshClient) private readonly mesh: MeshClient) {}

  async forward(
    reply: FastifyReply,
    service: string,
    method: 'GET' | 'PUT' | 'POST' | 'DELETE',
    path: string,
    options: UpstreamRequestOptions = {},
  ): Promise<unknown> {
    try {
      const response = await this.mesh.client(service).request(method, path, options);
      const type = String(response.headers['content-type'] ?? '');
      void reply.status(response.status);
      if (!type.startsWith(PROBLEM_CONTENT_TYPE)) return response.body;
      void reply.header('content-type', PROBLEM_CONTENT_TYPE);
      return withoutInstance(response.body);
    } catch (error) {
      this.logger.warn(
        `${method} ${service}${path.split('?')[0] ?? ''} failed: ${error instanceof MeshError ? error.code : error instanceof Error ? error.name : 'error'}`,
      );
      throw new ProblemException(
        503,
        'service-unavailable',
        'service unavailable',
        `the ${service.replace(/-service$/, '')} service cannot answer right now; try again shortly`,
      );
    }
  }
}

function withoutInstance(problem: unknown): unknown {
  if (typeof problem !== 'object' || problem === null) return problem;
  const { instance: _internalRoute, ...rest } = problem as Record<string, unknown>;
  return rest;
}
