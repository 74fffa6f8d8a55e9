import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Inject, Logger, Optional } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { MeshError } from '../errors/mesh-error';
import { PROBLEM_CONTENT_TYPE, type ProblemDocument, problemType } from '../problems/problem-document';
import { PUBLIC_EDGE } from '../runtime/tokens';

/** A failure that carries its own problem document (access denied, validation, domain errors). */
export interface HasProblem {
  toProblem(instance: string): ProblemDocument;
}

function hasProblem(error: unknown): error is HasProblem {
  return typeof error === 'object' && error !== null && typeof (error as Partial<HasProblem>).toProblem === 'function';
}

/**
 * The one place where errors become HTTP answers: every error leaves as
 * `application/problem+json`. Unknown errors say nothing of their internals, and no answer
 * quotes the URL back (Nest's own 404 does: `Cannot GET /path?query`). A mesh peer gets the
 * path it called as `instance`; at the public edge there is no `instance`.
 */
@Catch()
export class ProblemJsonFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemJsonFilter');

  constructor(@Optional() @Inject(PUBLIC_EDGE) private readonly publicEdge = false) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const path = request.url.split('?')[0] ?? request.url;
    const problem = request.is404 ? noRoute(path) : this.toProblem(error, path);
    if (this.publicEdge) delete problem.instance;
    // The path only: a query string may carry tokens.
    if (problem.status >= 500) this.logger.error(`${request.method} ${path} failed: ${error instanceof Error ? error.stack : String(error)}`);
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }

  private toProblem(error: unknown, instance: string): ProblemDocument {
    if (hasProblem(error)) return error.toProblem(instance);
    if (error instanceof MeshError) {
      return { type: problemType(error.code.replaceAll('_', '-')), title: error.name, status: error.status, detail: error.message, instance };
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      const response = error.getResponse();
      const detail = typeof response === 'string' ? response : (messageOf(response) ?? error.message);
      return { type: 'about:blank', title: HttpStatus[status]?.replaceAll('_', ' ').toLowerCase() ?? 'error', status, detail, instance };
    }
    return { type: 'about:blank', title: 'internal server error', status: 500, detail: 'the server failed to handle the request', instance };
  }
}

/** Fastify's not-found route (Nest throws `Cannot <METHOD> <url>` from it): a fixed detail. */
function noRoute(instance: string): ProblemDocument {
  return { type: 'about:blank', title: 'not found', status: 404, detail: 'no route matches this method and path', instance };
}

function messageOf(response: object): string | undefined {
  const message = (response as { message?: unknown }).message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : undefined;
}
