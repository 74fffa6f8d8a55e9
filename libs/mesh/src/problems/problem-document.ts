/**
 * RFC 9457 problem details, the one error body every MeshMart service answers with
 * (`content-type: application/problem+json`).
 */
export interface ProblemDocument {
  /** A URI naming the kind of problem; stable, so clients may branch on it. */
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The request path the problem is about. */
  instance?: string;
  /** Extension members (e.g. `errors` for validation, `caller` for a denial). */
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const PROBLEM_BASE = 'https://meshmart.dev/problems/';

/** `problemType('access-denied')` → `https://meshmart.dev/problems/access-denied`. */
export function problemType(slug: string): string {
  return `${PROBLEM_BASE}${slug}`;
}
