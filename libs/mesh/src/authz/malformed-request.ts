import { MeshError } from '../errors/mesh-error';
import type { ProblemDocument } from '../problems/problem-document';
import { problemType } from '../problems/problem-document';

/** A request Istio's sidecar refuses before any policy (400): a `%00` in its path, a lower-case method. */
export class MalformedRequest extends MeshError {
  readonly code = 'malformed_request';
  readonly retryable = false;
  readonly status = 400;

  toProblem(instance: string): ProblemDocument {
    return { type: problemType('malformed-request'), title: 'malformed request', status: 400, detail: this.message, instance };
  }
}
