import type { FastifyError, FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE, type ProblemDocument, problemType } from './problem-document';

/**
 * Fastify refuses some requests before any Nest handler sees them: a body that is not JSON,
 * too large, or of an unsupported type. This makes those answers problem documents too.
 */
export function installFastifyProblems(fastify: FastifyInstance): void {
  fastify.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    const instance = request.url.split('?')[0] ?? request.url;
    const problem: ProblemDocument =
      status < 500
        ? { type: problemType(slugOf(error.code)), title: 'request refused', status, detail: error.message, instance }
        : { type: 'about:blank', title: 'internal server error', status, detail: 'the server failed to handle the request', instance };
    void reply.status(status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  });
}

function slugOf(code: string | undefined): string {
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'body-too-large';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'unsupported-media-type';
    default:
      return 'malformed-request';
  }
}
