import type { IncomingHttpHeaders } from 'node:http';
import type { OutlierDetector } from '../balancing/outlier-detector';
import type { LoadBalancer } from '../balancing/load-balancer';
import type { ActiveHealthChecker } from '../balancing/health-checker';
import type { ServiceView } from '../discovery/registry';
import { MeshError, NoHealthyUpstream, UpstreamConnectFailure, UpstreamServerError } from '../errors/mesh-error';
import type { CallPipeline } from '../resilience/call-pipeline';
import type { Deadline } from '../resilience/deadline';
import { IDEMPOTENCY_KEY_HEADER } from '../resilience/idempotency';
import { composeStages, type Stage } from '../resilience/stage-chain';
import { currentRequestContext } from '../context/request-context';
import type { MeshMetrics } from '../telemetry/istio-metrics';
import type { MeshDestination, MeshPeer } from '../telemetry/istio-labels';
import { withClientSpan } from '../telemetry/tracing';
import { spiffeId } from '../identity/spiffe';
import { sendHttp, type TransportResponse, type TransportTarget } from './http-transport';
import type { ServiceInstance } from '../discovery/service-instance';
import type { RouteDecision } from '../traffic/traffic-router';
import type { UpstreamTraffic } from '../traffic/upstream-traffic';

export interface UpstreamRequestOptions {
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Makes a POST/PATCH retryable: the callee must treat repeats of the key as one request. */
  idempotencyKey?: string;
  /** A deadline for this call; never later than the inbound request's. */
  deadline?: Deadline;
}

export interface UpstreamResponse<T = unknown> {
  status: number;
  headers: IncomingHttpHeaders;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: T;
  /** Id of the instance that answered. */
  servedBy: string;
}

/** A 5xx answer after the retries: the response is kept for the caller to read. */
export class UpstreamFailed extends UpstreamServerError {
  constructor(readonly response: UpstreamResponse) {
    super(response.status, `upstream answered ${response.status} (instance ${response.servedBy})`);
  }
}

/** Everything one upstream's client is made of; `MeshClient` builds it from configuration. */
export interface UpstreamClientParts {
  service: string;
  namespace: string;
  trustDomain: string;
  source: MeshPeer;
  view: ServiceView;
  balancer: LoadBalancer;
  outliers: OutlierDetector;
  health: ActiveHealthChecker | undefined;
  pipeline: CallPipeline;
  metrics: MeshMetrics;
  /** Proxyless: the instance's mTLS origin; sidecar: the sidecar's plain origin. */
  target(instance: ServiceInstance): TransportTarget;
  mtls: boolean;
  /** The upstream's traffic policy (routes, subsets, faults, mirror, locality); none: plain balancing. */
  traffic?: UpstreamTraffic;
}

/**
 * One call as the client's stages see it; each stage passes on a copy with what it decided
 * (the route, the try's deadline and signal, the instance).
 */
interface ClientCall {
  method: string;
  path: string;
  /** The call's own headers; the deadline's and the trace's are added per try. */
  headers: Record<string, string>;
  body: Buffer | undefined;
  /** The caller's deadline, if it gave one or serves an inbound request that has one. */
  deadline: Deadline | undefined;
  /** The inbound request's signal: calls made for it stop when nobody waits for it any more. */
  inboundSignal: AbortSignal | undefined;
  /** Set by `route`. */
  route?: RouteDecision | undefined;
  /** Set per try by `resilience`: the try's signal and the call's effective deadline. */
  signal?: AbortSignal;
  tryDeadline?: Deadline;
  /** Set by `fault` when it delayed the try. */
  delayInjected?: boolean;
  /** Set by `balance`. */
  instance?: ServiceInstance;
}

/**
 * The typed client of one upstream service. Every call runs the stages of {@link UpstreamClient.chain}
 * in order, like an Envoy filter chain: route (traffic policy, mirroring) → the upstream's
 * resilience pipeline (deadline → retry → circuit breaker → bulkhead), then per try fault
 * injection → balance (discovered, healthy, not ejected instances; outlier reports) →
 * transport (mTLS connection) with telemetry around it (an Istio `reporter="source"` sample and
 * a client span).
 * @example const product = await mesh.client('inventory-service').get<Product>('/products/42');
 */
export class UpstreamClient {
  /** The stages' names, in the order a call meets them. */
  readonly chain: readonly string[];
  private readonly run: (call: ClientCall) => Promise<UpstreamResponse>;
  private readonly spanNames: ReadonlyMap<string, string>;
  /** The metric's destination labels, per instance version: made once, so the series lookup stays cheap. */
  private readonly destinations = new Map<string | undefined, MeshDestination>();

  constructor(private readonly parts: UpstreamClientParts) {
    this.spanNames = new Map(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => [method, `${method} ${parts.service}`]));
    const stages: readonly Stage<ClientCall, UpstreamResponse>[] = [
      { name: 'route', run: (call, next) => this.route(call, next) },
      { name: 'resilience', run: (call, next) => this.resilience(call, next) },
      { name: 'fault', run: (call, next) => this.fault(call, next) },
      { name: 'balance', run: (call, next) => this.balance(call, next) },
    ];
    this.run = composeStages(stages, (call) => this.transport(call));
    this.chain = [...stages.flatMap((stage) => (stage.name === 'resilience' ? parts.pipeline.stages : [stage.name])), 'transport'];
  }

  get<T = unknown>(path: string, options?: UpstreamRequestOptions): Promise<UpstreamResponse<T>> {
    return this.request<T>('GET', path, options);
  }

  post<T = unknown>(path: string, options?: UpstreamRequestOptions): Promise<UpstreamResponse<T>> {
    return this.request<T>('POST', path, options);
  }

  put<T = unknown>(path: string, options?: UpstreamRequestOptions): Promise<UpstreamResponse<T>> {
    return this.request<T>('PUT', path, options);
  }

  delete<T = unknown>(path: string, options?: UpstreamRequestOptions): Promise<UpstreamResponse<T>> {
    return this.request<T>('DELETE', path, options);
  }

  async request<T = unknown>(method: string, path: string, options: UpstreamRequestOptions = {}): Promise<UpstreamResponse<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.idempotencyKey) headers[IDEMPOTENCY_KEY_HEADER] = options.idempotencyKey;
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    if (body) headers['content-type'] = 'application/json';
    const inbound = currentRequestContext();
    const deadline = earliest(options.deadline, inbound?.deadline);
    const started = performance.now();
    try {
      return (await this.run({ method, path, headers, body, deadline, inboundSignal: inbound?.signal })) as UpstreamResponse<T>;
    } catch (error) {
      // Failures of the pipeline itself (no attempt was made) are still requests the caller saw.
      if (
        error instanceof MeshError &&
        !(error instanceof UpstreamServerError) &&
        !(error instanceof UpstreamConnectFailure) &&
        !(error instanceof NoHealthyUpstream)
      ) {
        this.record(undefined, error.status, flagOf(error), performance.now() - started, body?.length ?? 0, 0);
      }
      throw error;
    }
  }

  /** The upstream's traffic policy picks the route (subset, timeout, tries, fault) and mirrors a copy. */
  private route(call: ClientCall, next: (call: ClientCall) => Promise<UpstreamResponse>): Promise<UpstreamResponse> {
    const { traffic } = this.parts;
    const route = traffic?.route(call.method, call.path, call.headers);
    if (!route) return next(call);
    if (route.mirror) traffic?.mirror(route, { method: call.method, path: call.path, headers: call.headers, body: call.body });
    return next({ ...call, route });
  }

  /** The upstream's shared pipeline (deadline → retry → circuit breaker → bulkhead); the rest of the chain runs once per try. */
  private resilience(call: ClientCall, next: (call: ClientCall) => Promise<UpstreamResponse>): Promise<UpstreamResponse> {
    const { method, headers, deadline, route, inboundSignal } = call;
    return this.parts.pipeline.execute(
      ({ signal, deadline: tryDeadline }) => next({ ...call, signal: inboundSignal ? AbortSignal.any([signal, inboundSignal]) : signal, tryDeadline }),
      { method, headers, ...(deadline ? { deadline } : {}), timeoutMs: route?.timeoutMs, maxAttempts: route?.maxAttempts },
    );
  }

  /** Envoy's fault filter comes before the router: a delay, then maybe an abort with no upstream picked. */
  private async fault(call: ClientCall, next: (call: ClientCall) => Promise<UpstreamResponse>): Promise<UpstreamResponse> {
    const { route, signal } = call;
    if (!route || !this.parts.traffic || !signal) return next(call);
    const faultStarted = performance.now();
    const fault = await this.parts.traffic.applyFault(route, signal);
    if (fault?.abortStatus !== undefined)
      return this.injectedAbort(fault.abortStatus, fault.delayMs > 0, performance.now() - faultStarted, call.body?.length ?? 0);
    return next(fault?.delayMs ? { ...call, delayInjected: true } : call);
  }

  /** Picks an instance (discovered, healthy, not ejected, in the route's subset) and tells outlier detection how the try ended. */
  private async balance(call: ClientCall, next: (call: ClientCall) => Promise<UpstreamResponse>): Promise<UpstreamResponse> {
    const { view, health, outliers, balancer, traffic } = this.parts;
    const live = view.instances().filter((instance) => instance.healthy);
    const healthy = outliers.available(health ? health.available(live) : live);
    const candidates = call.route && traffic ? traffic.candidates(call.route, view.instances(), healthy) : healthy;
    const picked = balancer.pick(candidates);
    if (!picked) {
      this.record(undefined, 503, 'UH', 0, call.body?.length ?? 0, 0);
      throw new NoHealthyUpstream(`no healthy instance of ${this.parts.service} (${live.length} discovered)`);
    }
    const { instance } = picked;
    try {
      const response = await next({ ...call, instance });
      outliers.report(instance.id, 'success');
      return response;
    } catch (error) {
      if (error instanceof UpstreamFailed) outliers.report(instance.id, 'gateway_error');
      if (error instanceof UpstreamConnectFailure) outliers.report(instance.id, 'connect_error');
      throw error;
    } finally {
      picked.done();
    }
  }

  /** Sends the try to the picked instance over its connection pool, in a client span, and records Istio's sample. */
  private async transport(call: ClientCall): Promise<UpstreamResponse> {
    const { method, path, body, route, signal, instance } = call;
    const { traffic } = this.parts;
    if (!instance || !signal) throw new Error('the transport stage runs after balance and resilience');
    // The callee shares what is left of the budget once any injected delay has been spent.
    const headers = { ...call.headers, ...call.tryDeadline?.toHeaders() };
    const started = performance.now();
    try {
      const raw = await withClientSpan(
        this.spanNames.get(method) ?? `${method} ${this.parts.service}`,
        () => spanAttributes(method, path, instance),
        async (traceHeaders, span) => {
          const answer = await sendHttp(this.parts.target(instance), {
            method,
            path,
            headers: Object.assign(headers, traceHeaders),
            body,
            signal: route && traffic ? traffic.trySignal(route, signal) : signal,
          });
          span.setResponseStatus(answer.status);
          return answer;
        },
      );
      this.record(instance, raw.status, call.delayInjected ? 'DI' : '-', performance.now() - started, body?.length ?? 0, raw.body.length);
      const response = toResponse(raw, instance);
      if (raw.status >= 500) throw new UpstreamFailed(response);
      return response;
    } catch (error) {
      if (error instanceof UpstreamConnectFailure) this.record(instance, 0, 'UF', performance.now() - started, body?.length ?? 0, 0);
      throw error;
    }
  }

  /** An injected abort answers as the upstream would have: a 5xx fails the attempt, so retries see it. */
  private injectedAbort(status: number, delayed: boolean, durationMs: number, requestBytes: number): UpstreamResponse {
    this.record(undefined, status, delayed ? 'DI,FI' : 'FI', durationMs, requestBytes, 0);
    const response: UpstreamResponse = { status, headers: {}, body: 'fault filter abort', servedBy: 'fault-injection' };
    if (status >= 500) throw new UpstreamFailed(response);
    return response;
  }

  private record(
    instance: ServiceInstance | undefined,
    responseCode: number,
    responseFlags: string,
    durationMs: number,
    requestBytes: number,
    responseBytes: number,
  ): void {
    const destination = this.destinationOf(instance?.version);
    this.parts.metrics.recordRequest({
      reporter: 'source',
      source: this.parts.source,
      destination,
      responseCode,
      responseFlags,
      durationMs,
      requestBytes,
      responseBytes,
      mtls: this.parts.mtls,
    });
  }

  private destinationOf(version: string | undefined): MeshDestination {
    let destination = this.destinations.get(version);
    if (!destination) {
      destination = { workload: this.parts.service, namespace: this.parts.namespace, service: this.parts.service };
      if (this.parts.mtls)
        destination.principal = spiffeId({ trustDomain: this.parts.trustDomain, namespace: this.parts.namespace, serviceAccount: this.parts.service });
      if (version !== undefined) destination.version = version;
      this.destinations.set(version, destination);
    }
    return destination;
  }
}

function earliest(a: Deadline | undefined, b: Deadline | undefined): Deadline | undefined {
  if (!a) return b;
  if (!b) return a;
  return a.remainingMs() <= b.remainingMs() ? a : b;
}

function flagOf(error: MeshError): string {
  switch (error.code) {
    case 'circuit_open':
    case 'concurrency_limit':
      return 'UO';
    case 'deadline_exceeded':
    case 'per_try_timeout':
      return 'UT';
    case 'no_route':
      return 'NR';
    default:
      return 'URX';
  }
}

function spanAttributes(method: string, path: string, instance: ServiceInstance): Record<string, string | number> {
  return { 'http.request.method': method, 'url.path': path, 'server.address': instance.address, 'server.port': instance.port };
}

function toResponse(raw: TransportResponse, instance: ServiceInstance): UpstreamResponse {
  const text = raw.body.toString('utf8');
  const type = raw.headers['content-type'] ?? '';
  let body: unknown = text;
  if (/\bjson\b/.test(type) && text.length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: raw.status, headers: raw.headers, body, servedBy: instance.id };
}
