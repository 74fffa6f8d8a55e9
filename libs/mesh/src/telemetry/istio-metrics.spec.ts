import { IstioRequestSeries } from './istio-request-series';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type MeshRequestRecord } from './istio-labels';
import { MeshMetrics } from './istio-metrics';
import { setTelemetryFailureHandler, type TelemetryFailure, type TelemetryFailureHandler } from './telemetry-failure';
import { parsePrometheusText, samplesOf } from './testing/prometheus-text';

const cartToInventory: MeshRequestRecord = {
  reporter: 'destination',
  source: {
    workload: 'cart-service',
    namespace: 'meshmart',
    principal: 'spiffe://meshmart.local/ns/meshmart/sa/cart-service',
    app: 'cart',
    version: '0.1.0',
  },
  destination: {
    workload: 'inventory-service',
    namespace: 'meshmart',
    principal: 'spiffe://meshmart.local/ns/meshmart/sa/inventory-service',
    app: 'inventory',
    version: '0.2.0',
    service: 'inventory-service',
  },
  responseCode: 200,
  durationMs: 7,
  requestBytes: 150,
  responseBytes: 2048,
  mtls: true,
};

/** Every label of the series above, exactly as Istio's proxies would write it. */
const expectedLabels = {
  reporter: 'destination',
  source_workload: 'cart-service',
  source_workload_namespace: 'meshmart',
  source_principal: 'spiffe://meshmart.local/ns/meshmart/sa/cart-service',
  source_app: 'cart',
  source_version: '0.1.0',
  source_canonical_service: 'cart',
  source_canonical_revision: '0.1.0',
  source_cluster: 'local',
  destination_workload: 'inventory-service',
  destination_workload_namespace: 'meshmart',
  destination_principal: 'spiffe://meshmart.local/ns/meshmart/sa/inventory-service',
  destination_app: 'inventory',
  destination_version: '0.2.0',
  destination_service: 'inventory-service.meshmart.svc.cluster.local',
  destination_service_name: 'inventory-service',
  destination_service_namespace: 'meshmart',
  destination_canonical_service: 'inventory',
  destination_canonical_revision: '0.2.0',
  destination_cluster: 'local',
  request_protocol: 'http',
  response_code: '200',
  grpc_response_status: '',
  response_flags: '-',
  connection_security_policy: 'mutual_tls',
};

describe('MeshMetrics (Istio standard metrics)', () => {
  let failures: TelemetryFailure[];
  let previousHandler: TelemetryFailureHandler;
  beforeEach(() => {
    failures = [];
    previousHandler = setTelemetryFailureHandler((failure) => failures.push(failure));
  });
  afterEach(() => {
    setTelemetryFailureHandler(previousHandler);
    vi.restoreAllMocks();
  });

  const scrape = async (metrics: MeshMetrics) => parsePrometheusText(await metrics.metricsText());

  it('counts requests under exactly Istio’s label set, one series per distinct outcome', async () => {
    const metrics = new MeshMetrics({ cluster: 'local', processMetrics: false });
    metrics.recordRequest(cartToInventory);
    metrics.recordRequest(cartToInventory);
    metrics.recordRequest({ ...cartToInventory, responseCode: 503, responseFlags: 'UO' });

    const requests = samplesOf(await scrape(metrics), 'istio_requests_total');
    expect(requests).toHaveLength(2);
    expect(requests).toContainEqual({ name: 'istio_requests_total', labels: expectedLabels, value: 2 });
    expect(requests).toContainEqual({
      name: 'istio_requests_total',
      labels: { ...expectedLabels, response_code: '503', response_flags: 'UO' },
      value: 1,
    });
  });

  it('puts a duration in Istio’s bucket for it and counts both body sizes', async () => {
    const metrics = new MeshMetrics({ cluster: 'local', processMetrics: false });
    metrics.recordRequest(cartToInventory); // 7 ms, 150 B in, 2048 B out
    const samples = await scrape(metrics);
    const bucket = (name: string, le: string) => samplesOf(samples, `${name}_bucket`, { ...expectedLabels, le })[0]?.value;

    expect(bucket('istio_request_duration_milliseconds', '5')).toBe(0);
    expect(bucket('istio_request_duration_milliseconds', '10')).toBe(1);
    expect(bucket('istio_request_duration_milliseconds', '3600000')).toBe(1);
    expect(samplesOf(samples, 'istio_request_duration_milliseconds_sum', expectedLabels)[0]?.value).toBe(7);
    expect(samplesOf(samples, 'istio_request_duration_milliseconds_bucket', expectedLabels).map((s) => s.labels.le)).toEqual([
      '0.5',
      '1',
      '5',
      '10',
      '25',
      '50',
      '100',
      '250',
      '500',
      '1000',
      '2500',
      '5000',
      '10000',
      '30000',
      '60000',
      '300000',
      '600000',
      '1800000',
      '3600000',
      '+Inf',
    ]);

    expect(bucket('istio_request_bytes', '100')).toBe(0);
    expect(bucket('istio_request_bytes', '1000')).toBe(1);
    expect(samplesOf(samples, 'istio_request_bytes_count', expectedLabels)[0]?.value).toBe(1);
    expect(bucket('istio_response_bytes', '1000')).toBe(0);
    expect(bucket('istio_response_bytes', '10000')).toBe(1);
    expect(samplesOf(samples, 'istio_response_bytes_sum', expectedLabels)[0]?.value).toBe(2048);
    expect(samplesOf(samples, 'istio_response_bytes_bucket', expectedLabels).map((s) => s.labels.le)).toEqual([
      '1',
      '10',
      '100',
      '1000',
      '10000',
      '100000',
      '1000000',
      '10000000',
      '100000000',
      '1000000000',
      '+Inf',
    ]);
  });

  it('reports what it does not know as unknown, as Istio does, and the caller’s security policy as unknown', async () => {
    const metrics = new MeshMetrics({ processMetrics: false });
    metrics.recordRequest({
      reporter: 'source',
      source: { workload: 'gateway', namespace: 'meshmart' },
      destination: { workload: '', namespace: 'meshmart', service: '' },
      responseCode: 0,
      responseFlags: 'UF',
      durationMs: 1,
      requestBytes: 0,
      responseBytes: 0,
      mtls: true,
    });
    const [sample] = samplesOf(await scrape(metrics), 'istio_requests_total');
    expect(sample?.labels).toMatchObject({
      reporter: 'source',
      source_workload: 'gateway',
      source_principal: 'unknown',
      source_app: 'unknown',
      source_version: 'unknown',
      source_canonical_service: 'gateway',
      source_canonical_revision: 'latest',
      source_cluster: 'unknown',
      destination_workload: 'unknown',
      destination_principal: 'unknown',
      destination_service: 'unknown',
      destination_service_name: 'unknown',
      destination_canonical_service: 'unknown',
      response_code: '0',
      response_flags: 'UF',
      connection_security_policy: 'unknown',
    });
  });

  it('reports plaintext on the callee’s side as none', async () => {
    const metrics = new MeshMetrics({ cluster: 'local', processMetrics: false });
    metrics.recordRequest({ ...cartToInventory, mtls: false });
    expect(samplesOf(await scrape(metrics), 'istio_requests_total')[0]?.labels.connection_security_policy).toBe('none');
  });

  it('reports a metric update that throws to the failure handler and never to the caller', async () => {
    const metrics = new MeshMetrics({ processMetrics: false });
    vi.spyOn(IstioRequestSeries.prototype, 'record').mockImplementationOnce(() => {
      throw new Error('registry corrupted');
    });
    expect(() => metrics.recordRequest(cartToInventory)).not.toThrow();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ code: 'telemetry_failure', operation: 'istio_requests_total' });
    expect((failures[0]?.cause as Error).message).toBe('registry corrupted');
  });

  it('records nothing, rather than half, for a request with an impossible number', async () => {
    const metrics = new MeshMetrics({ processMetrics: false });
    expect(() => metrics.recordRequest({ ...cartToInventory, durationMs: Number.NaN })).not.toThrow();
    expect(() => metrics.recordRequest({ ...cartToInventory, responseBytes: -1 })).not.toThrow();
    expect(failures.map((failure) => failure.message)).toEqual([
      expect.stringContaining('durationMs must be a finite number >= 0, got NaN'),
      expect.stringContaining('responseBytes must be a finite number >= 0, got -1'),
    ]);
    expect(samplesOf(await scrape(metrics), 'istio_requests_total')).toEqual([]);
  });

  it('serves Node runtime metrics from the same registry, with the Prometheus content type', async () => {
    const metrics = new MeshMetrics();
    const names = new Set((await scrape(metrics)).map((sample) => sample.name));
    for (const name of ['nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes', 'process_cpu_user_seconds_total']) {
      expect(names, name).toContain(name);
    }
    expect(metrics.contentType).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(new Set((await scrape(new MeshMetrics({ processMetrics: false }))).map((s) => s.name))).not.toContain('nodejs_eventloop_lag_seconds');
  });

  it('answers an empty scrape, and reports, when the registry cannot render', async () => {
    const metrics = new MeshMetrics({ processMetrics: false });
    vi.spyOn(metrics.registry, 'metrics').mockRejectedValue(new Error('collector failed'));
    await expect(metrics.metricsText()).resolves.toBe('');
    expect(failures[0]?.operation).toBe('metrics text');
  });
});
