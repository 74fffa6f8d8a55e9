import { randomBytes } from 'node:crypto';
import { createBalancer } from '../balancing/load-balancer';
import { ActiveHealthChecker } from '../balancing/health-checker';
import { OutlierDetector } from '../balancing/outlier-detector';
import { UpstreamClient } from '../client/upstream-client';
import { ConnectionPools } from '../client/connection-pools';
import { sendHttp, type TransportTarget } from '../client/http-transport';
import type { MeshConfig } from '../config/mesh-config';
import { createRegistry } from '../discovery/registry-config';
import type { Registration, Registry, ServiceView } from '../discovery/registry';
import { endpointOf, type ServiceInstance } from '../discovery/service-instance';
import { workloadFiles } from '../identity/certificate-files';
import { MtlsConnector } from '../identity/mtls-connector';
import { spiffeId } from '../identity/spiffe';
import { WorkloadIdentity } from '../identity/workload-identity';
import { createCallPipeline } from '../resilience/call-pipeline';
import { resilienceDefaults } from '../resilience/resilience-defaults';
import { MeshMetrics } from '../telemetry/istio-metrics';
import type { MeshPeer } from '../telemetry/istio-labels';
import { otlpTraceExporter, type RunningTracing, startTracing } from '../telemetry/tracing';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { MeshTraffic } from '../traffic/mesh-traffic';
import type { ActiveTrafficPolicy } from '../traffic/upstream-traffic';
import { StartUpConditions } from './start-up-conditions';

export interface MeshRuntimeOptions {
  /** Workload name, e.g. `cart-service`. */
  service: string;
  /** Services this one calls; each gets a watched view and a client at start. */
  upstreams?: readonly string[];
  config: MeshConfig;
  /** Tests inject an exporter; otherwise OTLP when configured. */
  tracing?: SpanExporter;
  /** Uniform numbers in [0, 1) for traffic splits, faults, mirroring and locality; tests inject a seeded one. Default `Math.random`. */
  trafficRandom?: () => number;
}

/**
 * The mesh of one process, framework-free: its identity, registry, metrics, tracing and one
 * client per upstream. `runService` starts it before Nest, so the listener can be mTLS from
 * the first request; `MeshModule` exposes it to the app.
 */
export class MeshRuntime {
  readonly instanceId: string;
  readonly metrics = new MeshMetrics();
  /** What the instance still waits for (database, consumers); readiness reports it. */
  readonly startUp = new StartUpConditions();
  private readonly clients = new Map<string, UpstreamClient>();
  private readonly upstreams = new Map<string, { view: ServiceView; outliers: OutlierDetector; health: ActiveHealthChecker | undefined }>();
  private registration: Registration | undefined;
  private readonly pools: ConnectionPools[] = [];
  /** Proxyless only: in sidecar mode the proxy applies traffic policies. */
  private readonly traffic: MeshTraffic;

  private constructor(
    readonly service: string,
    readonly config: MeshConfig,
    readonly identity: WorkloadIdentity | undefined,
    readonly registry: Registry | undefined,
    private readonly tracing: RunningTracing,
    trafficRandom: (() => number) | undefined,
  ) {
    this.instanceId = config.MESH_INSTANCE_ID ?? service;
    this.traffic = new MeshTraffic({
      endpoints: registry ? config.ETCD_ENDPOINTS : undefined,
      namespace: config.MESH_NAMESPACE,
      zone: config.MESH_ZONE,
      mirrorTimeoutMs: config.MESH_CALL_TIMEOUT_MS,
      ...(trafficRandom ? { random: trafficRandom } : {}),
      onVersion: (upstream, active) => this.metrics.internal.setTrafficPolicyVersion(upstream, active.version),
      onRouted: (upstream, route) => this.metrics.internal.recordTrafficRoute(upstream, route.route, route.subset),
    });
  }

  static async start(options: MeshRuntimeOptions): Promise<MeshRuntime> {
    const { config, service } = options;
    const proxyless = config.MESH_MODE === 'proxyless';
    const identity = proxyless && config.MESH_CERT_DIR ? await WorkloadIdentity.load(workloadFiles(config.MESH_CERT_DIR, service)) : undefined;
    const registry = proxyless
      ? createRegistry({
          kind: 'etcd',
          endpoints: config.ETCD_ENDPOINTS ?? [],
          prefix: `meshmart/${config.MESH_NAMESPACE}/services/`,
          leaseTtlSeconds: config.MESH_LEASE_TTL_SECONDS,
        })
      : undefined;
    const instanceId = config.MESH_INSTANCE_ID ?? `${service}-${randomBytes(3).toString('hex')}`;
    const tracing = startTracing({
      serviceName: service,
      serviceInstanceId: instanceId,
      namespace: config.MESH_NAMESPACE,
      serviceVersion: config.MESH_VERSION,
      exporters: [
        ...(options.tracing ? [options.tracing] : []),
        ...(config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ? [await otlpTraceExporter(config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)] : []),
      ],
    });
    const runtime = new MeshRuntime(service, { ...config, MESH_INSTANCE_ID: instanceId }, identity, registry, tracing, options.trafficRandom);
    try {
      for (const upstream of options.upstreams ?? []) await runtime.addUpstream(upstream);
      runtime.traffic.startInBackground();
    } catch (error) {
      await runtime.close();
      throw error;
    }
    if (identity) runtime.metrics.internal.setCertificateExpiry(service, identity.current().notAfter);
    return runtime;
  }

  /** The SPIFFE ID of a workload of this mesh. */
  spiffeIdOf(workload: string): string {
    return spiffeId({ trustDomain: this.config.MESH_TRUST_DOMAIN, namespace: this.config.MESH_NAMESPACE, serviceAccount: workload });
  }

  /** The client of an upstream declared at start. */
  client(service: string): UpstreamClient {
    const client = this.clients.get(service);
    if (!client) throw new Error(`${this.service} did not declare ${service} as an upstream: add it to the mesh options' upstreams`);
    return client;
  }

  /** What discovery currently lists for an upstream (diagnostics, tests, the demo). */
  registryView(service: string): readonly ServiceInstance[] {
    return this.upstreamParts(service).view.instances();
  }

  /** The upstreams declared at start, in declaration order (readiness reports each). */
  upstreamServices(): readonly string[] {
    return [...this.upstreams.keys()];
  }

  /**
   * Whether this instance is announced in discovery now: from `register` until `deregister`.
   * Always false in sidecar mode, where the platform (Docker DNS, Kubernetes) discovers it.
   */
  isRegistered(): boolean {
    return this.registration !== undefined;
  }

  /** The traffic policy version (and injected fault) in force per upstream. */
  trafficPolicies(): Record<string, ActiveTrafficPolicy> {
    return this.traffic.active();
  }

  /** Whether outlier detection has ejected an instance of an upstream right now. */
  isEjected(service: string, instanceId: string): boolean {
    return this.upstreamParts(service).outliers.isEjected(instanceId);
  }

  private upstreamParts(service: string) {
    const parts = this.upstreams.get(service);
    if (!parts) throw new Error(`${this.service} did not declare ${service} as an upstream`);
    return parts;
  }

  /** The instance as discovery announces it, listening on `port`. */
  instanceAt(port: number): ServiceInstance {
    const host = this.config.MESH_ADVERTISE_HOST ?? (this.config.HOST === '0.0.0.0' ? '127.0.0.1' : this.config.HOST);
    return {
      id: this.instanceId,
      service: this.service,
      address: host,
      port,
      zone: this.config.MESH_ZONE,
      version: this.config.MESH_VERSION,
      weight: this.config.MESH_WEIGHT,
      healthy: true,
      ...(Object.keys(this.config.MESH_LABELS).length > 0 ? { labels: this.config.MESH_LABELS } : {}),
      scheme: this.identity && this.config.MESH_LISTENER === 'mtls' ? 'https' : 'http',
    };
  }

  /** Announces this instance once it listens; callers find it from now on. */
  async register(port: number): Promise<ServiceInstance> {
    const instance = this.instanceAt(port);
    if (this.registry) this.registration = await this.registry.register(instance);
    return instance;
  }

  /** First step of a graceful stop: leave discovery so no new call picks this instance. */
  async deregister(): Promise<void> {
    await this.registration?.deregister();
    this.registration = undefined;
  }

  async close(): Promise<void> {
    await this.deregister();
    await this.traffic.close();
    for (const { health } of this.upstreams.values()) health?.stop();
    await Promise.allSettled([...this.upstreams.values()].map(({ view }) => view.close()));
    await Promise.allSettled(this.pools.map((pools) => pools.close()));
    await this.registry?.close();
    this.identity?.close();
    await this.tracing.shutdown();
  }

  private source(): MeshPeer {
    const peer: MeshPeer = { workload: this.service, namespace: this.config.MESH_NAMESPACE, app: this.service, version: this.config.MESH_VERSION };
    if (this.identity) peer.principal = this.spiffeIdOf(this.service);
    return peer;
  }

  private async addUpstream(service: string): Promise<void> {
    const config = this.config;
    const proxyless = config.MESH_MODE === 'proxyless';
    const view = proxyless && this.registry ? await this.registry.watch(service) : sidecarView(service, config.MESH_SIDECAR_URL);
    this.metrics.internal.setRegistryInstances(service, view.instances().length);
    view.onChange((instances) => this.metrics.internal.setRegistryInstances(service, instances.length));

    const outliers = new OutlierDetector();
    const ejected = new Set<string>();
    this.metrics.internal.watchUpstream(service);
    outliers.onEject((instanceId) => {
      ejected.add(instanceId);
      this.metrics.internal.recordOutlierEjection(service, instanceId);
      this.metrics.internal.setEjectedInstances(service, ejected.size);
    });
    outliers.onReturn((instanceId) => {
      ejected.delete(instanceId);
      this.metrics.internal.setEjectedInstances(service, ejected.size);
    });
    // In sidecar mode Envoy balances and retries; the library makes one attempt to the sidecar.
    // Everything not configured here is `resilienceDefaults`, as the deployment files render it.
    const { windowMs, minimumRps, halfOpenAfterMs } = resilienceDefaults.circuitBreaker;
    const pipeline = createCallPipeline({
      timeoutMs: config.MESH_CALL_TIMEOUT_MS,
      maxAttempts: proxyless ? config.MESH_RETRY_ATTEMPTS : 1,
      breaker: { failureRatio: { threshold: config.MESH_BREAKER_FAILURE_RATIO, windowMs, minimumRps }, halfOpenAfterMs },
    });
    pipeline.onRetry(() => this.metrics.internal.recordRetry(service, 'failure'));
    pipeline.onBreakerStateChange((state) => this.metrics.internal.setCircuitBreakerState(service, state === 'half_open' ? 'half-open' : state));

    const connector = this.identity && proxyless ? new MtlsConnector(this.identity, this.spiffeIdOf(service)) : undefined;
    const pools = new ConnectionPools(connector);
    const mirrorPools = new ConnectionPools(connector, resilienceDefaults.connections.mirrorPerInstance);
    this.pools.push(pools, mirrorPools);
    const originOf = (instance: ServiceInstance) => (proxyless ? `https://${endpointOf(instance)}` : config.MESH_SIDECAR_URL.replace('{service}', service));
    view.onChange((instances) => {
      const origins = new Set(instances.map(originOf));
      pools.retainOnly(origins);
      mirrorPools.retainOnly(origins);
    });
    // Per instance, not per call: the instance objects live until discovery changes.
    const targets = new WeakMap<ServiceInstance, TransportTarget>();
    const target = (instance: ServiceInstance): TransportTarget => {
      const known = targets.get(instance);
      if (known && pools.isCurrent(known.origin, known.dispatcher)) return known;
      const origin = originOf(instance);
      const made = { origin, dispatcher: pools.dispatcherFor(origin) };
      targets.set(instance, made);
      return made;
    };
    // Active health checks, as Envoy's: GET /health over the same mTLS connection pool.
    const health =
      proxyless && config.MESH_HEALTH_CHECK_INTERVAL_MS > 0
        ? new ActiveHealthChecker({
            intervalMs: config.MESH_HEALTH_CHECK_INTERVAL_MS,
            probe: async (instance, signal) =>
              (await sendHttp(target(instance), { method: 'GET', path: '/health', headers: {}, body: undefined, signal })).status === 200,
          })
        : undefined;
    health?.start(() => view.instances());
    this.upstreams.set(service, { view, outliers, health });
    const healthy = () => {
      const live = view.instances().filter((instance) => instance.healthy);
      return outliers.available(health ? health.available(live) : live);
    };
    const mirrorTarget = (instance: ServiceInstance): TransportTarget => {
      const origin = originOf(instance);
      return { origin, dispatcher: mirrorPools.dispatcherFor(origin) };
    };
    const traffic = this.traffic.forUpstream(service, { healthy, send: (instance, request) => sendHttp(mirrorTarget(instance), request) });

    this.clients.set(
      service,
      new UpstreamClient({
        service,
        namespace: config.MESH_NAMESPACE,
        trustDomain: config.MESH_TRUST_DOMAIN,
        source: this.source(),
        view,
        balancer: createBalancer(proxyless ? config.MESH_BALANCER : 'round_robin'),
        outliers,
        health,
        pipeline,
        metrics: this.metrics,
        target,
        mtls: proxyless,
        traffic,
      }),
    );
  }
}

/** Sidecar mode has one endpoint per upstream: the sidecar (or the Service name) does the rest. */
function sidecarView(service: string, template: string): ServiceView {
  const url = new URL(template.replace('{service}', service));
  const instance: ServiceInstance = {
    id: `${service}-via-sidecar`,
    service,
    address: url.hostname,
    port: Number(url.port || 80),
    zone: 'local',
    version: 'unknown',
    weight: 1,
    healthy: true,
  };
  return { service, instances: () => [instance], onChange: () => () => undefined, close: async () => undefined };
}
