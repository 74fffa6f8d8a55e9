import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '../problems/problem-document';
import { MalformedRequest } from './malformed-request';
import { normalizeRequestPath } from './path-normalization';

const REFUSED = Symbol('meshmart.malformed-path');
type Marked = IncomingMessage & { [REFUSED]?: string };

/**
 * Fastify's `rewriteUrl`: the path normalized as Istio's sidecar does (BASE) before the router
 * and the authorization guard see it, so both read the same path the policy was written for
 * (`/public/%2E%2E/private` is `/private`, routed and judged as such). A path Envoy would refuse
 * is left as it came and marked, for `refuseMalformedPaths` to answer 400.
 */
export function normalizeUrl(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const normalized = normalizeRequestPath(url);
  if (normalized.ok) return normalized.path;
  (request as Marked)[REFUSED] = normalized.reason;
  return url;
}

/** Answers 400 problem+json, before any handler, to a request `normalizeUrl` marked. */
export function refuseMalformedPaths(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const reason = (request.raw as Marked)[REFUSED];
    if (reason === undefined) return done();
    const problem = new MalformedRequest(`malformed request: ${reason}`).toProblem(request.url.split('?')[0] ?? '/');
    void reply.code(400).header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  });
}
