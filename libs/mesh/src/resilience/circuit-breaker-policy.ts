import { CircuitState, ConsecutiveBreaker, SamplingBreaker, circuitBreaker, handleWhen, type CircuitBreakerPolicy } from 'cockatiel';
import { MeshError } from '../errors/mesh-error';

/** Where a circuit breaker stands: calls flow, are refused, or one trial call is let through. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** Options of {@link createCircuitBreakerPolicy}; every field has the default shown. */
export interface CircuitBreakerOptions {
  /** Upstream failures in a row that open the circuit. Default 5. */
  consecutiveFailures?: number;
  /** How long the circuit stays open before the next call is let through as a trial. Default 10 000 ms. */
  halfOpenAfterMs?: number;
  /**
   * Open on a failure ratio over a time window (cockatiel's `SamplingBreaker`) instead of on a
   * run of consecutive failures; better for busy upstreams where a few failures are normal.
   */
  failureRatio?: { threshold: number; windowMs: number; minimumRps?: number };
}

/**
 * Whether a failure speaks against the upstream: only 5xx-class `MeshError`s do. A 4xx is the
 * caller's fault and proves the upstream alive; other errors (bugs, the pipeline's own
 * rejections) say nothing about it. Such errors pass through without being counted.
 */
export function isUpstreamFailure(error: unknown): boolean {
  return error instanceof MeshError && error.status >= 500;
}

/**
 * The circuit breaker of one upstream, shared by all its calls. Why: when an upstream keeps
 * failing, calling it only adds load and latency; failing fast gives it room to recover, and a
 * single trial call after `halfOpenAfterMs` finds out whether it has. The trial is the first
 * call after the interval (the breaker half-opens lazily, it runs no timer).
 */
export function createCircuitBreakerPolicy(options: CircuitBreakerOptions = {}): CircuitBreakerPolicy {
  const { consecutiveFailures = 5, halfOpenAfterMs = 10_000, failureRatio } = options;
  const breaker = failureRatio
    ? new SamplingBreaker({ threshold: failureRatio.threshold, duration: failureRatio.windowMs, minimumRps: failureRatio.minimumRps })
    : new ConsecutiveBreaker(consecutiveFailures);
  return circuitBreaker(handleWhen(isUpstreamFailure), { halfOpenAfter: halfOpenAfterMs, breaker });
}

/** The mesh's name for cockatiel's circuit state; a manually isolated circuit counts as open. */
export function breakerStateOf(state: CircuitState): BreakerState {
  switch (state) {
    case CircuitState.Closed:
      return 'closed';
    case CircuitState.HalfOpen:
      return 'half_open';
    case CircuitState.Open:
    case CircuitState.Isolated:
      return 'open';
  }
}
