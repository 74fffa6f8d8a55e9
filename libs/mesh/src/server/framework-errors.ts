import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { PROBLEM_CONTENT_TYPE, type ProblemDocument, problemType } from '../problems/problem-document';

/**
 * The problem document for an error Fastify or Node raises before any hook or Nest handler runs.
 * Their own messages quote the request's URL (`'/a/%' is not a valid url component`), so the
 * detail is a fixed sentence per kind and there is no `instance`: nothing the caller sent is
 * echoed back.
 */
export function frameworkProblem(code: string | undefined, status: number): ProblemDocument {
  switch (code) {
    case 'FST_ERR_BAD_URL':
      return {
        type: problemType('bad-url'),
        title: 'bad URL',
        status: 400,
        detail: 'the URL is not valid: a percent-encoded character in its path is malformed',
      };
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return {
        type: problemType('uri-too-long'),
        title: 'URI too long',
        status: 414,
        detail: "a segment of the URL's path is longer than this server accepts",
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { type: problemType('request-timeout'), title: 'request timeout', status: 408, detail: 'the request was not received in time' };
    case 'HPE_HEADER_OVERFLOW':
      return {
        type: problemType('headers-too-large'),
        title: 'request header fields too large',
        status: 431,
        detail: 'the request line and headers together are larger than this server accepts',
      };
    default:
      if (status >= 500) return { type: 'about:blank', title: 'internal server error', status: 500, detail: 'the server failed to handle the request' };
      return { type: problemType('malformed-request'), title: 'bad request', status: 400, detail: 'the request is not well-formed HTTP' };
  }
}

/**
 * Fastify options that make its own answers problem documents like every other: `frameworkErrors`
 * (a malformed URL, an over-long path segment: answered by the router before any hook) and
 * `clientErrorHandler` (what Node's HTTP parser refuses: header overflow, garbage, timeouts).
 */
export function problemJsonFrameworkOptions(): Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> {
  return {
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const problem = frameworkProblem(error.code, error.statusCode ?? 500);
      void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
    },
    clientErrorHandler: (error: Error & { code?: string }, socket: Socket) => {
      // A reset connection has nobody left to answer (as Fastify's own handler does).
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const problem = frameworkProblem(error.code, 400);
      const body = JSON.stringify(problem);
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(error);
    },
  };
}
