import { IdentityRejected } from '../errors/mesh-error';
import type { ProblemDocument } from '../problems/problem-document';
import { problemType } from '../problems/problem-document';

/** A caller whose identity the workload's policy does not admit to the route. */
export class AccessDenied extends IdentityRejected {
  constructor(
    readonly reason: string,
    readonly caller: string | undefined,
  ) {
    super(reason);
  }

  toProblem(instance: string): ProblemDocument {
    return { type: problemType('access-denied'), title: 'access denied', status: 403, detail: this.reason, instance, caller: this.caller ?? null };
  }
}
