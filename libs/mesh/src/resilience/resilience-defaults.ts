/**
 * The mesh's resilience numbers, written once: the runtime builds every upstream's client from
 * them (`MeshRuntime`, `OutlierDetector`, `createCallPipeline`, `ConnectionPools`, the
 * `MESH_*` configuration defaults) and `tools/deploy` renders the same numbers into the Envoy
 * sidecars' clusters and routes and Istio's DestinationRules and VirtualServices, so a caller
 * behaves alike with or without a proxy beside it. A spec in `tools/deploy` proves each
 * rendered figure equals the one here.
 *
 * A few figures only a proxy has a use for (the library has no such knob); they are marked.
 */
export const resilienceDefaults = {
  timeouts: {
    /** Longest a call may take, retries included (`MESH_CALL_TIMEOUT_MS`; a route's `timeout`). */
    callMs: 10_000,
    /**
     * Proxies only: longest one try may take before it is retried (Envoy's `per_try_timeout`).
     * The library bounds a try by the call's deadline unless a traffic route sets `perTryTimeout`.
     */
    perTryMs: 4_000,
    /** Proxies only: longest a new connection to an instance may take (the library's sockets fail on their own). */
    connectMs: 1_000,
  },
  retries: {
    /** Tries in all, the first included (`MESH_RETRY_ATTEMPTS`); idempotent or keyed calls only. */
    attempts: 3,
    /** Jittered back-off between the tries of one call (`jitteredBackoffMs`). */
    backoff: { initialMs: 25, maxMs: 1_000 },
    /**
     * The same back-off for work retried until it succeeds, however long that takes: a saga
     * step, a consumed event that failed transiently, reaching Postgres, Kafka or etcd.
     */
    untilDoneBackoff: { initialMs: 200, maxMs: 5_000 },
    /** Retries allowed per request over the budget's window (`RetryBudget`). */
    budgetRatio: 0.2,
    /** Proxies only: retries in flight at once towards one upstream (Envoy's `max_retries`); the library's cap is the budget. */
    maxConcurrent: 3,
  },
  /** Passive health checking, as Envoy's outlier detection (`OutlierDetector`). */
  outlierDetection: {
    /** 5xx answers or connect errors in a row that eject an instance. */
    consecutiveGatewayErrors: 3,
    /** Proxies only: how often Envoy sweeps for returns (the library notices them at the next pick). */
    intervalMs: 5_000,
    /** First ejection's length; the n-th lasts n times as long. */
    baseEjectionMs: 5_000,
    /** No ejection lasts longer. */
    maxEjectionMs: 300_000,
    /** Share of an upstream's instances that may be ejected at once, in %. */
    maxEjectionPercent: 50,
  },
  /**
   * The circuit breaker of each upstream as a whole, by failure ratio: one dead instance among
   * several is the outlier detector's business and must not cut the healthy ones off.
   */
  circuitBreaker: {
    /** Share of failed tries over the window that opens the circuit (`MESH_BREAKER_FAILURE_RATIO`). */
    failureRatio: 0.5,
    windowMs: 10_000,
    /** Below this rate the ratio is not judged. */
    minimumRps: 5,
    /** How long the circuit stays open before a trial call. */
    halfOpenAfterMs: 5_000,
  },
  /** Connection limits towards one upstream (Envoy's circuit breakers, Istio's connection pool). */
  connections: {
    /** Calls to the upstream in flight at once (the bulkhead; Envoy's `max_requests`). */
    maxConcurrentCalls: 100,
    /** Calls waiting for a slot beyond those; more are refused at once (Envoy's `max_pending_requests`). */
    maxQueuedCalls: 100,
    /**
     * Keep-alive connections to one instance. Past it, calls wait for a free connection: a burst
     * after a pause (GC, a busy core) would otherwise open a connection per queued call, each a
     * TLS handshake of a few milliseconds of CPU on both ends, and turn a short stall into a long one.
     */
    perInstance: 32,
    /**
     * Connections to one instance for mirrored copies, in pools of their own: copies wait for
     * nobody, so they may hold many at once without making the callers' own calls queue.
     */
    mirrorPerInstance: 256,
  },
} as const;

export type ResilienceDefaults = typeof resilienceDefaults;
