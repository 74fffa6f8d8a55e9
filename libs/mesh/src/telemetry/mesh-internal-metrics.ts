import { Counter, Gauge, type Registry } from 'prom-client';
import { guardTelemetry } from './telemetry-failure';

/** A circuit breaker's state; exported as 0 closed, 1 open, 2 half-open. */
export type CircuitBreakerState = 'closed' | 'open' | 'half-open';

/**
 * How a retry ended: the retried call succeeded, it failed again, the retry budget refused it,
 * or the caller's deadline left no time for it.
 */
export type RetryOutcome = 'success' | 'failure' | 'budget_exhausted' | 'deadline_exceeded';

const circuitBreakerStateValue: Record<CircuitBreakerState, number> = { closed: 0, open: 1, 'half-open': 2 };

/**
 * The mesh's own machinery as `meshmart_*` metrics, beside Istio's request metrics in the same
 * registry: what Envoy shows in its admin stats (ejections, retries, breakers) the library shows
 * here. Every update is guarded: a failure goes to the telemetry failure handler, never to the
 * caller.
 */
export class MeshInternalMetrics {
  private readonly outlierEjections: Counter<'destination_service' | 'instance'>;
  private readonly outlierEjected: Gauge<'destination_service'>;
  private readonly retries: Counter<'destination_service' | 'outcome'>;
  private readonly circuitBreakerState: Gauge<'destination_service'>;
  private readonly registryInstances: Gauge<'service'>;
  private readonly authzDenied: Counter<'destination_workload' | 'source_principal'>;
  private readonly certificateExpiry: Gauge<'workload'>;
  private readonly requestsInFlight: Gauge<'workload'>;
  private readonly trafficPolicyVersion: Gauge<'destination_service'>;
  private readonly trafficRoutes: Counter<'destination_service' | 'route' | 'destination_subset'>;
  /** Counted in plain numbers per request and handed to the gauge when it is scraped, not per request. */
  private readonly inFlight = new Map<string, number>();

  constructor(registry: Registry) {
    const registers = [registry];
    this.outlierEjections = new Counter({
      name: 'meshmart_outlier_ejections_total',
      help: 'Instances ejected from balancing by passive outlier detection.',
      labelNames: ['destination_service', 'instance'],
      registers,
    });
    this.outlierEjected = new Gauge({
      name: 'meshmart_outlier_ejected_instances',
      help: "Instances of an upstream service currently ejected by outlier detection (as Envoy's ejections_active).",
      labelNames: ['destination_service'],
      registers,
    });
    this.retries = new Counter({
      name: 'meshmart_retries_total',
      help: 'Retries of outbound mesh calls, by how they ended.',
      labelNames: ['destination_service', 'outcome'],
      registers,
    });
    this.circuitBreakerState = new Gauge({
      name: 'meshmart_circuit_breaker_state',
      help: 'Circuit breaker state per upstream service: 0 closed, 1 open, 2 half-open.',
      labelNames: ['destination_service'],
      registers,
    });
    this.registryInstances = new Gauge({
      name: 'meshmart_registry_instances',
      help: 'Instances of a service the discovery registry currently knows.',
      labelNames: ['service'],
      registers,
    });
    this.authzDenied = new Counter({
      name: 'meshmart_authz_denied_total',
      help: 'Inbound requests refused by an authorization policy.',
      labelNames: ['destination_workload', 'source_principal'],
      registers,
    });
    this.certificateExpiry = new Gauge({
      name: 'meshmart_certificate_expiry_timestamp_seconds',
      help: 'When the workload certificate in use expires, as a Unix timestamp in seconds.',
      labelNames: ['workload'],
      registers,
    });
    const inFlight = this.inFlight;
    this.requestsInFlight = new Gauge({
      name: 'meshmart_requests_in_flight',
      help: "Inbound requests this instance is serving now, its own scrape left out (as Envoy's downstream_rq_active).",
      labelNames: ['workload'],
      registers,
      collect() {
        for (const [workload, count] of inFlight) this.set({ workload }, count);
      },
    });
    this.trafficPolicyVersion = new Gauge({
      name: 'meshmart_traffic_policy_version',
      help: 'Version (etcd revision) of the traffic policy in force for an upstream service; 0 when none is set.',
      labelNames: ['destination_service'],
      registers,
    });
    this.trafficRoutes = new Counter({
      name: 'meshmart_traffic_routed_total',
      help: 'Outbound calls routed by a traffic policy, by route and the subset the split chose (`-`: the whole service).',
      labelNames: ['destination_service', 'route', 'destination_subset'],
      registers,
    });
  }

  /** A call to `destinationService` took `route` to `subset` (undefined: every instance). */
  recordTrafficRoute(destinationService: string, route: string, subset: string | undefined): void {
    guardTelemetry('meshmart_traffic_routed_total', undefined, () =>
      this.trafficRoutes.inc({ destination_service: destinationService, route, destination_subset: subset ?? '-' }),
    );
  }

  /** The traffic policy of `destinationService` in force now has `version` (an etcd revision); undefined: none. */
  setTrafficPolicyVersion(destinationService: string, version: string | undefined): void {
    guardTelemetry('meshmart_traffic_policy_version', undefined, () => {
      const value = version === undefined ? 0 : Number(version);
      if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`traffic policy version must be a whole number >= 0, got ${version}`);
      this.trafficPolicyVersion.set({ destination_service: destinationService }, value);
    });
  }

  /** Outlier detection took `instance` (`address:port`) of `destinationService` out of balancing. */
  recordOutlierEjection(destinationService: string, instance: string): void {
    guardTelemetry('meshmart_outlier_ejections_total', undefined, () => this.outlierEjections.inc({ destination_service: destinationService, instance }));
  }

  /** `destinationService` is now called: its ejected-instances gauge starts at 0, so it exists before any ejection. */
  watchUpstream(destinationService: string): void {
    guardTelemetry('meshmart_outlier_ejected_instances', undefined, () => this.outlierEjected.set({ destination_service: destinationService }, 0));
  }

  /** `count` instances of `destinationService` are ejected now. */
  setEjectedInstances(destinationService: string, count: number): void {
    guardTelemetry('meshmart_outlier_ejected_instances', undefined, () => {
      if (!Number.isInteger(count) || count < 0) throw new TypeError(`ejected instance count must be a whole number >= 0, got ${count}`);
      this.outlierEjected.set({ destination_service: destinationService }, count);
    });
  }

  /** A call to `destinationService` was retried and the retry ended with `outcome`. */
  recordRetry(destinationService: string, outcome: RetryOutcome): void {
    guardTelemetry('meshmart_retries_total', undefined, () => this.retries.inc({ destination_service: destinationService, outcome }));
  }

  /** The breaker guarding `destinationService` is now in `state`. */
  setCircuitBreakerState(destinationService: string, state: CircuitBreakerState): void {
    guardTelemetry('meshmart_circuit_breaker_state', undefined, () => {
      const value = circuitBreakerStateValue[state];
      if (value === undefined) throw new TypeError(`unknown circuit breaker state "${String(state)}"`);
      this.circuitBreakerState.set({ destination_service: destinationService }, value);
    });
  }

  /** Discovery now knows `count` instances of `service`. */
  setRegistryInstances(service: string, count: number): void {
    guardTelemetry('meshmart_registry_instances', undefined, () => {
      if (!Number.isInteger(count) || count < 0) throw new TypeError(`instance count must be a whole number >= 0, got ${count}`);
      this.registryInstances.set({ service }, count);
    });
  }

  /** An authorization policy of `destinationWorkload` refused a caller (`unknown` when it proved no identity). */
  recordAuthzDenied(destinationWorkload: string, sourcePrincipal: string | undefined): void {
    guardTelemetry('meshmart_authz_denied_total', undefined, () =>
      this.authzDenied.inc({ destination_workload: destinationWorkload, source_principal: sourcePrincipal || 'unknown' }),
    );
  }

  /** `workload` now serves with a certificate that expires at `notAfter`. */
  setCertificateExpiry(workload: string, notAfter: Date): void {
    guardTelemetry('meshmart_certificate_expiry_timestamp_seconds', undefined, () => {
      const seconds = notAfter.getTime() / 1000;
      if (!Number.isFinite(seconds)) throw new TypeError('certificate expiry is not a valid date');
      this.certificateExpiry.set({ workload }, Math.floor(seconds));
    });
  }

  /** An inbound request to `workload` started; the returned function ends it (a second call does nothing). */
  trackInboundRequest(workload: string): () => void {
    this.inFlight.set(workload, (this.inFlight.get(workload) ?? 0) + 1);
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.inFlight.set(workload, (this.inFlight.get(workload) ?? 1) - 1);
    };
  }
}
