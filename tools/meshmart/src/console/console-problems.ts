import { type ProblemDocument, problemType } from '@meshmart/mesh';

/** A failure the console reports as a problem document (and as a message in the page), never as a stack trace. */
export class ConsoleProblem extends Error {
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
  ) {
    super(detail);
  }

  toDocument(instance: string): ProblemDocument {
    return { type: problemType(this.slug), title: this.title, status: this.status, detail: this.message, instance };
  }
}

export const prometheusUnavailable = (url: string, cause: string) =>
  new ConsoleProblem(
    503,
    'prometheus-unavailable',
    'Prometheus is unavailable',
    `Prometheus at ${url} did not answer (${cause}); is the stack up? \`npm run stack:up\` starts it.`,
  );

export const etcdUnavailable = (endpoints: readonly string[], cause: string) =>
  new ConsoleProblem(
    503,
    'registry-unavailable',
    'The registry (etcd) is unavailable',
    `etcd at ${endpoints.join(', ')} did not answer (${cause}); is the stack up? \`npm run stack:up\` starts it.`,
  );

export const traceNotFound = (traceId: string) =>
  new ConsoleProblem(
    404,
    'trace-not-found',
    'No such trace',
    `no trace ${traceId} in the console's store (it keeps the most recent traces only; is the service exporting to this console?)`,
  );

export const invalidQuery = (detail: string) => new ConsoleProblem(400, 'invalid-query', 'Invalid query', detail);

export const notFound = (path: string) => new ConsoleProblem(404, 'not-found', 'Not found', `nothing at ${path}; the API is listed at /api`);
