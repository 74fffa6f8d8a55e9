import { MeshError } from '../errors/mesh-error';

/**
 * A failure inside telemetry itself: a metric update, a span, a log mixin. It is reported to
 * the one failure handler and never thrown into the request it was observing, because losing a
 * sample is always cheaper than failing an order.
 */
export class TelemetryFailure extends MeshError {
  readonly code = 'telemetry_failure';
  readonly retryable = false;
  readonly status = 500;

  constructor(
    /** What telemetry was doing, e.g. `istio_requests_total` or `start span`. */
    readonly operation: string,
    cause: unknown,
  ) {
    super(`telemetry operation "${operation}" failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Receives every telemetry failure of the process; it must not throw (if it does, that is ignored). */
export type TelemetryFailureHandler = (failure: TelemetryFailure) => void;

const warnedOperations = new Set<string>();

/**
 * The default handler: one process warning per operation, so a broken metric that fails on
 * every request cannot flood stderr.
 */
export const warnOncePerOperation: TelemetryFailureHandler = (failure) => {
  if (warnedOperations.has(failure.operation)) return;
  warnedOperations.add(failure.operation);
  process.emitWarning(failure.message, { code: 'MESHMART_TELEMETRY_FAILURE' });
};

let currentHandler: TelemetryFailureHandler = warnOncePerOperation;

/**
 * Routes every telemetry failure of the process (metrics, tracing, logging) to one handler,
 * typically the service's logger at `warn`. Returns the handler it replaces, so tests can put
 * it back.
 *
 * @example setTelemetryFailureHandler((failure) => logger.warn({ err: failure }, 'telemetry failed'))
 */
export function setTelemetryFailureHandler(handler: TelemetryFailureHandler): TelemetryFailureHandler {
  const previous = currentHandler;
  currentHandler = handler;
  return previous;
}

/** Hands a failure to the handler; a handler that throws is ignored, there is nothing safer left. */
export function reportTelemetryFailure(operation: string, error: unknown): void {
  try {
    currentHandler(error instanceof TelemetryFailure ? error : new TelemetryFailure(operation, error));
  } catch {
    // The handler itself failed: swallowing is the only way to keep the caller safe.
  }
}

/** Runs one telemetry side effect; if it throws, the failure is reported and `fallback` returned. */
export function guardTelemetry<T>(operation: string, fallback: T, action: () => T): T {
  try {
    return action();
  } catch (error) {
    reportTelemetryFailure(operation, error);
    return fallback;
  }
}
