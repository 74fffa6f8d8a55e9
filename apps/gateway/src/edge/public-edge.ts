import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '@meshmart/mesh';
import type { GatewayConfig } from '../gateway-config';
import { sealPublicHeaders } from './public-request-headers';
import { bodyRefusal } from './request-body-rules';

/**
 * The first stage of every public request, before the mesh's own hooks read it (deadline,
 * trace) and before any body is parsed: mesh-internal headers dropped and the edge's deadline
 * set, then bodies other than UTF-8 JSON refused with 415.
 */
export function installPublicEdge(fastify: FastifyInstance, config: GatewayConfig): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    sealPublicHeaders(request.raw.headers, config.GATEWAY_REQUEST_TIMEOUT_MS);
    const refusal = bodyRefusal(request.raw.headers);
    if (refusal) {
      void reply.status(refusal.status).header('content-type', PROBLEM_CONTENT_TYPE).send(refusal);
      return;
    }
    done();
  });
}
