import { collectDefaultMetrics, Registry } from 'prom-client';
import type { MeshRequestRecord } from './istio-labels';
import { IstioRequestSeries } from './istio-request-series';
import { MeshInternalMetrics } from './mesh-internal-metrics';
import { serviceMetricsText } from './service-metrics';
import { guardTelemetry, reportTelemetryFailure, TelemetryFailure } from './telemetry-failure';

/** Istio's default buckets for `istio_request_duration_milliseconds`. */
export const ISTIO_DURATION_BUCKETS_MS = [
  0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000,
] as const;

/** Istio's default buckets for `istio_request_bytes` and `istio_response_bytes`. */
export const ISTIO_SIZE_BUCKETS_BYTES = [1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000] as const;

export interface MeshMetricsOptions {
  /**
   * Cluster name for `source_cluster` / `destination_cluster` when a peer names none. Default
   * `unknown` (Istio's value when it has no cluster name).
   */
  cluster?: string;
  /**
   * Also collect Node's process and runtime metrics (event-loop lag, heap, GC, CPU) into the
   * same registry, so one scrape gives both. Default `true`.
   */
  processMetrics?: boolean;
}

/**
 * A service's Prometheus metrics in a registry of its own (never prom-client's global one, so
 * two services in one process, or one test after another, cannot collide): Istio's standard
 * request metrics with Istio's names, labels and buckets, so the same Grafana dashboards work
 * whether the library or an Envoy sidecar reports; the mesh's own `meshmart_*` metrics
 * (`internal`); and, by default, Node's runtime metrics.
 *
 * @example
 * const metrics = new MeshMetrics();
 * metrics.recordRequest({ reporter: 'source', source: { workload: 'cart-service', namespace: 'meshmart' },
 *   destination: { workload: 'inventory-service', namespace: 'meshmart', service: 'inventory-service' },
 *   responseCode: 200, durationMs: 12, requestBytes: 0, responseBytes: 512, mtls: true });
 * reply.type(metrics.contentType).send(await metrics.metricsText());
 */
export class MeshMetrics {
  readonly registry = new Registry();
  /** The `meshmart_*` metrics of discovery, balancing, resilience, authorization and identity. */
  readonly internal: MeshInternalMetrics;
  /** Content type of `metricsText()`, for the `/metrics` response. */
  readonly contentType: string = this.registry.contentType;

  private readonly requests: IstioRequestSeries;

  constructor({ cluster = 'unknown', processMetrics = true }: MeshMetricsOptions = {}) {
    this.requests = new IstioRequestSeries(cluster, ISTIO_DURATION_BUCKETS_MS, ISTIO_SIZE_BUCKETS_BYTES);
    this.requests.registerIn(this.registry, {
      requests: { name: 'istio_requests_total', help: 'Requests handled, as Istio counts them.', type: 'counter' },
      duration: { name: 'istio_request_duration_milliseconds', help: 'Request duration in milliseconds, as Istio measures it.', type: 'histogram' },
      requestBytes: { name: 'istio_request_bytes', help: 'HTTP request body sizes in bytes.', type: 'histogram' },
      responseBytes: { name: 'istio_response_bytes', help: 'HTTP response body sizes in bytes.', type: 'histogram' },
    });
    this.internal = new MeshInternalMetrics(this.registry);
    if (processMetrics) guardTelemetry('process metrics', undefined, () => collectDefaultMetrics({ register: this.registry }));
  }

  /**
   * Counts one finished request and observes its duration and sizes, all under the same
   * labels. Invalid numbers (negative, NaN) are reported as a telemetry failure and the request
   * is not recorded at all, rather than recorded half.
   */
  recordRequest(record: MeshRequestRecord): void {
    guardTelemetry('istio_requests_total', undefined, () => {
      for (const field of ['durationMs', 'requestBytes', 'responseBytes'] as const) {
        const value = record[field];
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
          throw new TelemetryFailure('istio_requests_total', new RangeError(`${field} must be a finite number >= 0, got ${String(value)}`));
        }
      }
      this.requests.record(record);
    });
  }

  /**
   * The registry in Prometheus text format, followed by the service's own metrics (see
   * `serviceCounter`); empty (a valid, empty scrape) if rendering fails.
   */
  async metricsText(): Promise<string> {
    try {
      const [mesh, service] = await Promise.all([this.registry.metrics(), serviceMetricsText()]);
      return service === '' ? mesh : `${mesh.trimEnd()}\n${service}`;
    } catch (error) {
      reportTelemetryFailure('metrics text', error);
      return '';
    }
  }
}
