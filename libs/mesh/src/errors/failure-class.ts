import { isInfrastructureOutage } from './infrastructure-failures';

/**
 * What a failure says about the work that failed:
 * - `transient`: the same work may succeed later with nothing changed but time (a database,
 *   broker or upstream away or overloaded, a timeout). Retry it, with back-off.
 * - `poison`: trying again cannot help (bad input, a refusal, a bug). Do not retry it.
 */
export type FailureClass = 'transient' | 'poison';

/** How deep `cause` chains are followed; a cycle or a silly depth must not hang the caller. */
const MAX_CAUSE_DEPTH = 8;

/**
 * The one retry rule of MeshMart: the mesh's retry policy retries a call, and an event
 * consumer retries a message (forever, pausing its partition), only when this says
 * `transient`; a consumer parks `poison` on the dead-letter topic at once.
 *
 * In order: an error's own `retryable` flag decides (`MeshError` and any error of the
 * `{ code, retryable }` convention); then recognised infrastructure outages are transient
 * (Postgres connection/shutdown/resource SQLSTATEs and serialization conflicts, TypeORM's
 * `QueryFailedError` around them, Node socket errors such as ECONNREFUSED, kafkajs's
 * retriable errors, timeouts); then the `cause` chain is asked the same.
 *
 * **Unknown errors are poison.** Deliberately: an error nobody marked or recognised is most
 * often a bug, and retrying a bug forever would stall every event behind it while looking
 * like progress; the mesh never retries blindly. A parked message is not lost: it waits on
 * `<topic>.dlq` with its reason, and `meshmart dlq replay` re-drives it once the cause is
 * fixed. An infrastructure failure that is not recognised yet belongs in
 * `infrastructure-failures.ts`, with a test.
 *
 * @example classifyFailure(new UpstreamConnectFailure('refused')) // 'transient'
 * @example classifyFailure(Object.assign(new Error('duplicate key'), { code: '23505', severity: 'ERROR' })) // 'poison'
 */
export function classifyFailure(error: unknown): FailureClass {
  let current: unknown = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && isObject(current); depth++) {
    if (typeof current['retryable'] === 'boolean') return current['retryable'] ? 'transient' : 'poison';
    if (isInfrastructureOutage(current)) return 'transient';
    current = current['cause'];
  }
  return 'poison';
}

/** 4xx answers that say "not now" rather than "not this": a timeout, too early, too many. */
const TRANSIENT_CLIENT_STATUSES: ReadonlySet<number> = new Set([408, 425, 429]);

/**
 * The same rule for an HTTP answer that is not a success and that the caller has no meaning
 * for (a refusal it knows, such as 409 `out-of-stock`, is its own business): a server error
 * (5xx) or 408, 425 or 429 is `transient`; any other 4xx is `poison`, since the same request
 * will be refused again (a bad request, a contract the two sides disagree on, access denied).
 * @example classifyAnswer(503) // 'transient'
 * @example classifyAnswer(422) // 'poison'
 */
export function classifyAnswer(status: number): FailureClass {
  return status >= 500 || TRANSIENT_CLIENT_STATUSES.has(status) ? 'transient' : 'poison';
}

/**
 * A short, stable name for a failure, for headers, logs and metrics: the error's own `code`
 * (a MeshError code, a SQLSTATE, an errno) or else its class name. Never the message, which
 * may carry data.
 */
export function failureCode(error: unknown): string {
  if (!isObject(error)) return typeof error;
  const driverError = error['driverError'];
  if (isObject(driverError) && typeof driverError['code'] === 'string') return driverError['code'];
  if (typeof error['code'] === 'string' && error['code'] !== '') return error['code'];
  if (typeof error['type'] === 'string' && error['type'] !== '') return error['type'];
  return error instanceof Error ? error.name : 'unknown';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
