import { BulkheadRejectedError, TaskCancelledError, TimeoutStrategy, bulkhead, isBrokenCircuitError, timeout, type RetryPolicy } from 'cockatiel';
import { ListenerSet } from '../common/listener-set';
import { CircuitOpen, ConcurrencyLimitReached, DeadlineExceeded, MeshError } from '../errors/mesh-error';
import { breakerStateOf, createCircuitBreakerPolicy, type BreakerState, type CircuitBreakerOptions } from './circuit-breaker-policy';
import { Deadline } from './deadline';
import { type HttpHeaders } from './http-headers';
import { isRetryableRequest } from './idempotency';
import { resilienceDefaults } from './resilience-defaults';
import { RetryBudget, type RetryBudgetOptions } from './retry-budget';
import { createSharedRetryPolicy, PlannedRetry, retryDecision, type BackoffOptions } from './retry-policy';
import { composeStages, type Stage } from './stage-chain';

/** What one try of a call is given: its number, a signal that fires at the deadline, the deadline to forward. */
export interface CallAttempt {
  /** 1 for the first try, 2 for the first retry, … */
  attempt: number;
  /** Aborts when the deadline passes: hand it to the socket or `fetch` so the work stops too. */
  signal: AbortSignal;
  /** The call's effective deadline; send `deadline.toHeaders()` so the callee shares the budget. */
  deadline: Deadline;
}

/** The request being made, as far as the pipeline needs to know it. */
export interface CallRequest {
  /** HTTP method; with `headers` it decides whether the call may be retried. */
  method: string;
  headers: HttpHeaders;
  /** The caller's own deadline (e.g. from the inbound request); capped to `timeoutMs`. */
  deadline?: Deadline;
  /** A traffic route's own timeout and tries, in place of the pipeline's for this call. */
  timeoutMs?: number | undefined;
  maxAttempts?: number | undefined;
}

/** A retry about to happen, for metrics and logs. */
export interface RetryEvent {
  /** Number of the try about to start (2 for the first retry). */
  attempt: number;
  delayMs: number;
  /** The failure being retried. */
  error: unknown;
}

/** Options of {@link createCallPipeline}; each default is the one in `resilienceDefaults`. */
export interface CallPipelineOptions {
  /** Longest a call may take, retries included, when the request brings no shorter deadline. Default `timeouts.callMs`. */
  timeoutMs?: number;
  /** Tries in all, the first included. Default `retries.attempts`. */
  maxAttempts?: number;
  /** Default `retries.backoff`. */
  backoff?: BackoffOptions;
  /** A budget to share (e.g. per upstream), or options for a new one. Default a budget of `retries.budgetRatio`. */
  retryBudget?: RetryBudget | RetryBudgetOptions;
  /** Default `circuitBreaker` (by failure ratio). */
  breaker?: CircuitBreakerOptions;
  /** Calls running at once, and waiting for a slot. Default `connections.maxConcurrentCalls` and `maxQueuedCalls`. */
  bulkhead?: { maxConcurrent?: number; maxQueued?: number };
  /** Clock for deadlines and the budget; inject a fake one in tests. Default `Date.now`. */
  now?: () => number;
}

/** The resilience stages of every call to one upstream, composed in one order. */
export interface CallPipeline {
  /**
   * Runs `call` through the stages of {@link CallPipeline.stages}. Failures are always
   * `MeshError`s when they come from the pipeline itself (`DeadlineExceeded`, `CircuitOpen`,
   * `ConcurrencyLimitReached`); otherwise the last try's error is rethrown as it was.
   */
  execute<T>(call: (attempt: CallAttempt) => Promise<T>, request: CallRequest): Promise<T>;
  /** The stages' names, outermost first: `deadline`, `retry`, `circuit_breaker`, `bulkhead`. */
  readonly stages: readonly string[];
  breakerState(): BreakerState;
  /** Registers a listener of breaker state changes; returns its removal. */
  onBreakerStateChange(listener: (state: BreakerState) => void): () => void;
  /** Registers a listener of retries; returns its removal. */
  onRetry(listener: (event: RetryEvent) => void): () => void;
}

/**
 * Builds the resilience pipeline of one upstream: one per upstream service, shared by all its
 * calls (the breaker, bulkhead and budget only work when shared). The algorithms are
 * cockatiel's; this is the glue that orders them like Envoy's filter chain (the list of
 * stages below, outermost first), reads the mesh's error flags, and turns cockatiel's
 * rejections into `MeshError`s.
 *
 * @example
 * const inventory = createCallPipeline({ timeoutMs: 2_000 });
 * const stock = await inventory.execute(
 *   ({ signal, deadline }) => http.get(url, { signal, headers: deadline.toHeaders() }),
 *   { method: 'GET', headers: {}, deadline: Deadline.fromHeaders(inbound.headers) },
 * );
 */
export function createCallPipeline(options: CallPipelineOptions = {}): CallPipeline {
  const { timeouts, retries, circuitBreaker, connections } = resilienceDefaults;
  const { timeoutMs = timeouts.callMs, maxAttempts = retries.attempts, now = () => Date.now() } = options;
  const backoff = { ...retries.backoff, ...options.backoff };
  const budget =
    options.retryBudget instanceof RetryBudget ? options.retryBudget : new RetryBudget({ now, budgetRatio: retries.budgetRatio, ...options.retryBudget });
  const breaker = createCircuitBreakerPolicy(options.breaker ?? defaultBreaker(circuitBreaker));
  const concurrency = bulkhead(options.bulkhead?.maxConcurrent ?? connections.maxConcurrentCalls, options.bulkhead?.maxQueued ?? connections.maxQueuedCalls);
  const retryListeners = new ListenerSet<[RetryEvent]>();
  const breakerListeners = new ListenerSet<[BreakerState]>();
  breaker.onStateChange((state) => breakerListeners.emit(breakerStateOf(state)));

  // Built once and shared by every call: each call brings only its own retry decision and deadline.
  const retry = createSharedRetryPolicy();
  retry.onRetry((event) => {
    const failure = 'error' in event && event.error instanceof PlannedRetry ? event.error.failure : undefined;
    retryListeners.emit({ attempt: event.attempt + 1, delayMs: event.delay, error: failure });
  });

  // The chain, outermost first; each stage hands the call to the next, the last to the call itself.
  const stages: readonly CallStage[] = [
    deadlineStage(),
    retryStage(retry),
    { name: 'circuit_breaker', run: (call, next) => breaker.execute(() => next(call), call.signal) },
    { name: 'bulkhead', run: (call, next) => concurrency.execute(() => next(call), call.signal) },
  ];
  const chain = composeStages(stages, (call) => call.run({ attempt: call.attempt, signal: call.signal, deadline: call.deadline }));

  async function execute<T>(call: (attempt: CallAttempt) => Promise<T>, request: CallRequest): Promise<T> {
    const callTimeoutMs = request.timeoutMs ?? timeoutMs;
    const deadline = request.deadline ? request.deadline.capTo(callTimeoutMs) : Deadline.after(callTimeoutMs, now);
    if (deadline.expired()) throw new DeadlineExceeded('deadline passed before the call started');
    budget.recordRequest();
    const retryable = isRetryableRequest(request.method, request.headers);
    const decision = retryDecision({ maxAttempts: retryable ? (request.maxAttempts ?? maxAttempts) : 1, backoff, budget, deadline });
    try {
      return (await chain({ run: call, deadline, decision, attempt: 1, signal: NEVER_ABORTED })) as T;
    } catch (error) {
      throw asMeshError(error instanceof PlannedRetry ? error.failure : error);
    }
  }

  return {
    execute,
    stages: stages.map((stage) => stage.name),
    breakerState: () => breakerStateOf(breaker.state),
    onBreakerStateChange: (listener) => breakerListeners.add(listener),
    onRetry: (listener) => retryListeners.add(listener),
  };
}

/** One call as the stages see it; a stage may pass on a changed copy (a new try, a new signal). */
interface StagedCall {
  run(attempt: CallAttempt): Promise<unknown>;
  deadline: Deadline;
  decision: ReturnType<typeof retryDecision>;
  /** The try under way: 1 for the first. */
  attempt: number;
  /** Fires when the deadline passes (set by the deadline stage) or the try is cancelled. */
  signal: AbortSignal;
}

type CallStage = Stage<StagedCall>;

const NEVER_ABORTED = new AbortController().signal;

/**
 * Ends the call at its deadline. Aggressive: the caller gets its answer at the deadline even if
 * the call ignores the signal. The signal is aborted only by the deadline, not when the call
 * returns (a body may still stream).
 */
function deadlineStage(): CallStage {
  return {
    name: 'deadline',
    run: (call, next) =>
      timeout(call.deadline.remainingMs(), { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false }).execute(({ signal }) => next({ ...call, signal })),
  };
}

/** Tries again what the call's own {@link retryDecision} retries, after its back-off; the policy is shared by the upstream's calls. */
function retryStage(retry: RetryPolicy): CallStage {
  return {
    name: 'retry',
    run: (call, next) =>
      retry.execute(async ({ attempt, signal }) => {
        // A retry whose back-off outlived the deadline must not reach the upstream.
        if (signal.aborted) throw new TaskCancelledError('deadline passed before the try started');
        try {
          return await next({ ...call, attempt: attempt + 1, signal });
        } catch (error) {
          const delayMs = call.decision.nextDelayMs(error);
          throw delayMs === undefined ? error : new PlannedRetry(error, delayMs);
        }
      }, call.signal),
  };
}

/** The circuit breaker options of `resilienceDefaults` in the breaker's own terms. */
function defaultBreaker(defaults: typeof resilienceDefaults.circuitBreaker): CircuitBreakerOptions {
  return {
    failureRatio: { threshold: defaults.failureRatio, windowMs: defaults.windowMs, minimumRps: defaults.minimumRps },
    halfOpenAfterMs: defaults.halfOpenAfterMs,
  };
}

/** Cockatiel's rejections as the mesh's errors, so callers handle one family; others pass as they are. */
function asMeshError(error: unknown): unknown {
  if (error instanceof MeshError) return error;
  if (isBrokenCircuitError(error)) return new CircuitOpen('circuit breaker is open', { cause: error });
  if (error instanceof BulkheadRejectedError) return new ConcurrencyLimitReached('concurrency limit and queue are full', { cause: error });
  if (error instanceof TaskCancelledError) return new DeadlineExceeded('deadline passed', { cause: error });
  return error;
}
