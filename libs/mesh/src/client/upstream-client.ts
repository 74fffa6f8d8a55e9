import type { IncomingHttpHeaders } from 'node:http';
import type { OutlierDetector } from '../balancing/outlier-detector';
import type { LoadBalancer } from '../balancing/load-balancer';
import type { ActiveHealthChecker } from '../balancing/health-checker';
import type { ServiceView } from '../discovery/registry';
import { MeshError, NoHealthyUpstream, UpstreamConnectFailure, UpstreamServerError } from '../errors/mesh-error';
import type { CallPipeline } from '../resilience/call-pipeline';
import type { Deadline } from '../resilience/deadline';
import { IDEMPOTENCY_KEY_HEADER } from '../resilience/idempotency';
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
 * The typed client of one upstream service. Every call runs the pipeline in the order of an
 * Envoy filter chain: deadline → retry → circuit breaker → concurrency limit, then per attempt
 * instance selection (discovered, healthy, not ejected; balanced) → mTLS connection →
 * telemetry (an Istio `reporter="source"` sample and a client span).
 * @example const product = await mesh.client('inventory-service').get<Product>('/products/42');
 */
export class UpstreamClient {
  private readonly spanNames: ReadonlyMap<string, string>;
  /** The metric's destination labels, per instance version: made once, so the series lookup stays cheap. */
  private readonly destinations = new Map<string | undefined, MeshDestination>();

  constructor(private readonly parts: UpstreamClientParts) {
    this.spanNames = new Map(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => [method, `${method} ${parts.service}`]));
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
      const route = this.parts.traffic?.route(method, path, headers);
      if (route?.mirror) this.parts.traffic?.mirror(route, { method, path, headers, body });
      const response = await this.parts.pipeline.execute(
        // Calls made for an inbound request stop when nobody waits for that request any more.
        ({ signal, deadline: effective }) => this.attempt(method, path, headers, effective, body, inbound ? AbortSignal.any([signal, inbound.signal]) : signal, route),
        { method, headers, ...(deadline ? { deadline } : {}), timeoutMs: route?.timeoutMs, maxAttempts: route?.maxAttempts },
      );
      return response as UpstreamResponse<T>;
    } catch (error) {
      // Failures of the pipeline itself (no attempt was made) are still requests the caller saw.
      if (error instanceof MeshError && !(error instanceof UpstreamServerError) && !(error instanceof UpstreamConnectFailure) && !(error instanceof NoHealthyUpstream)) {
        this.record(undefined, error.status, flagOf(error), performance.now() - started, body?.length ?? 0, 0);
      }
      throw error;
    }
  }

  private async attempt(method: string, path: string, callHeaders: Record<string, string>, deadline: Deadline, body: Buffer | undefined, signal: AbortSignal, route: RouteDecision | undefined): Promise<UpstreamResponse> {
    const { view, health, outliers, balancer, traffic } = this.parts;
    // Envoy's fault filter comes before the router: a delay, then maybe an abort with no upstream picked.
    const faultStarted = performance.now();
    const fault = route && (await traffic?.applyFault(route, signal));
    if (fault?.abortStatus !== undefined) return this.injectedAbort(fault.abortStatus, fault.delayMs > 0, performance.now() - faultStarted, body?.length ?? 0);
    // The callee shares what is left of the budget once any injected delay has been spent.
    const headers = { ...callHeaders, ...deadline.toHeaders() };
    const live = view.instances().filter((instance) => instance.healthy);
    const healthy = outliers.available(health ? health.available(live) : live);
    const candidates = route && traffic ? traffic.candidates(route, view.instances(), healthy) : healthy;
    const picked = balancer.pick(candidates);
    if (!picked) {
      this.record(undefined, 503, 'UH', 0, body?.length ?? 0, 0);
      throw new NoHealthyUpstream(`no healthy instance of ${this.parts.service} (${live.length} discovered)`);
    }
    const { instance } = picked;
    const started = performance.now();
    try {
      const raw = await withClientSpan(this.spanNames.get(method) ?? `${method} ${this.parts.service}`, () => spanAttributes(method, path, instance), async (traceHeaders, span) => {
        const answer = await sendHttp(this.parts.target(instance), { method, path, headers: Object.assign(headers, traceHeaders), body, signal: route && traffic ? traffic.trySignal(route, signal) : signal });
        span.setResponseStatus(answer.status);
        return answer;
      });
      const elapsed = performance.now() - started;
      this.record(instance, raw.status, fault?.delayMs ? 'DI' : '-', elapsed, body?.length ?? 0, raw.body.length);
      const response = toResponse(raw, instance);
      if (raw.status >= 500) {
        outliers.report(instance.id, 'gateway_error');
        throw new UpstreamFailed(response);
      }
      outliers.report(instance.id, 'success');
      return response;
    } catch (error) {
      if (error instanceof UpstreamConnectFailure) {
        outliers.report(instance.id, 'connect_error');
        this.record(instance, 0, 'UF', performance.now() - started, body?.length ?? 0, 0);
      }
      throw error;
    } finally {
      picked.done();
    }
  }

  /** An injected abort answers as the upstream would have: a 5xx fails the attempt, so retries see it. */
  private injectedAbort(status: number, delayed: boolean, durationMs: number, requestBytes: number): UpstreamResponse {
    this.record(undefined, status, delayed ? 'DI,FI' : 'FI', durationMs, requestBytes, 0);
    const response: UpstreamResponse = { status, headers: {}, body: 'fault filter abort', servedBy: 'fault-injection' };
    if (status >= 500) throw new UpstreamFailed(response);
    return response;
  }

  private record(instance: ServiceInstance | undefined, responseCode: number, responseFlags: string, durationMs: number, requestBytes: number, responseBytes: number): void {
    const destination = this.destinationOf(instance?.version);
    this.parts.metrics.recordRequest({ reporter: 'source', source: this.parts.source, destination, responseCode, responseFlags, durationMs, requestBytes, responseBytes, mtls: this.parts.mtls });
  }

  private destinationOf(version: string | undefined): MeshDestination {
    let destination = this.destinations.get(version);
    if (!destination) {
      destination = { workload: this.parts.service, namespace: this.parts.namespace, service: this.parts.service };
      if (this.parts.mtls) destination.principal = spiffeId({ trustDomain: this.parts.trustDomain, namespace: this.parts.namespace, serviceAccount: this.parts.service });
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
