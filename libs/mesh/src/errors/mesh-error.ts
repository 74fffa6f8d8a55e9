/**
 * The one base of every real failure in the mesh. `code` is stable (logs, metrics and
 * problem documents use it); `retryable` says the failure is transient (the same work may
 * succeed later) and is what `classifyFailure`, hence the retry policy and the event
 * consumers, read; `status` is the HTTP status the failure maps to at an edge. Expected
 * outcomes are return values, not these.
 */
export abstract class MeshError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  /** HTTP status for a problem document; 5xx-class failures are the ones a breaker counts. */
  abstract readonly status: number;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** No instance of the upstream is registered, healthy and not ejected. */
export class NoHealthyUpstream extends MeshError {
  readonly code = 'no_healthy_upstream';
  readonly retryable = true;
  readonly status = 503;
}

/** The connection failed or broke before a response (refused, reset, TLS handshake). */
export class UpstreamConnectFailure extends MeshError {
  readonly code = 'upstream_connect_failure';
  readonly retryable = true;
  readonly status = 503;
}

/** The upstream answered with a 5xx status. */
export class UpstreamServerError extends MeshError {
  readonly code = 'upstream_server_error';
  readonly retryable = true;
  constructor(
    readonly status: number,
    message = `upstream answered ${status}`,
  ) {
    super(message);
  }
}

/**
 * The caller's deadline passed before an answer came. Transient (a later try may be in time),
 * but never retried within the call: its budget is spent, and the retry policy starts no try
 * past the deadline.
 */
export class DeadlineExceeded extends MeshError {
  readonly code = 'deadline_exceeded';
  readonly retryable = true;
  readonly status = 504;
}

/**
 * The circuit breaker for the upstream is open. Transient: it half-opens after a while. The
 * call that met it is not retried at once (the retry stage sees the breaker's own rejection,
 * which it never retries); work retried later, like a consumer's message, may pass.
 */
export class CircuitOpen extends MeshError {
  readonly code = 'circuit_open';
  readonly retryable = true;
  readonly status = 503;
}

/** The concurrency limit for the upstream is reached and its queue is full. Transient, like `CircuitOpen`. */
export class ConcurrencyLimitReached extends MeshError {
  readonly code = 'concurrency_limit';
  readonly retryable = true;
  readonly status = 503;
}

/** The peer's identity is not what the caller expected (server) or allowed (authorization). */
export class IdentityRejected extends MeshError {
  readonly code = 'identity_rejected';
  readonly retryable = false;
  readonly status = 403;
}
