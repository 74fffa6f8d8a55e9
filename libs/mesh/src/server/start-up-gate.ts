import type { FastifyInstance, FastifyReply } from 'fastify';
import type { MeshRuntime } from '../runtime/mesh-runtime';
import { PROBLEM_CONTENT_TYPE, problemType } from '../problems/problem-document';

/**
 * While the instance still waits for something no request can do without (its database at
 * start), every route but health and metrics answers 503 problem+json with `retry-after`.
 * Such an instance is not in discovery yet, so only direct callers (probes, operators) meet it.
 */
export function installStartUpGate(fastify: FastifyInstance, runtime: Pick<MeshRuntime, 'service' | 'startUp'>): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!runtime.startUp.blocksTraffic() || servedWhileStarting(request.url)) return done();
    void sendNotServingYet(reply, runtime);
  });
}

/** Health and metrics answer from the first moment: they are how an operator sees what a starting instance waits for. */
function servedWhileStarting(url: string): boolean {
  const path = url.split('?')[0] ?? url;
  return path === '/health' || path.startsWith('/health/') || path === '/metrics';
}

// No `instance`: a caller knows what it called, and no answer quotes a URL back.
function sendNotServingYet(reply: FastifyReply, runtime: Pick<MeshRuntime, 'service' | 'startUp'>): FastifyReply {
  const waitingFor = runtime.startUp
    .list()
    .filter((condition) => condition.blocksTraffic)
    .map((condition) => condition.key);
  return reply
    .status(503)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .header('retry-after', '1')
    .send({
      type: problemType('starting'),
      title: 'not serving yet',
      status: 503,
      detail: `${runtime.service} is starting: waiting for ${waitingFor.join(', ')}`,
      waitingFor,
    });
}
