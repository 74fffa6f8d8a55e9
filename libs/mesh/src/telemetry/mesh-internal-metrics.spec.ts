import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CircuitBreakerState, MeshInternalMetrics } from './mesh-internal-metrics';
import { setTelemetryFailureHandler, type TelemetryFailure, type TelemetryFailureHandler } from './telemetry-failure';
import { parsePrometheusText, type PrometheusSample } from './testing/prometheus-text';

describe('MeshInternalMetrics', () => {
  let registry: Registry;
  let metrics: MeshInternalMetrics;
  let failures: TelemetryFailure[];
  let previousHandler: TelemetryFailureHandler;

  beforeEach(() => {
    registry = new Registry();
    metrics = new MeshInternalMetrics(registry);
    failures = [];
    previousHandler = setTelemetryFailureHandler((failure) => failures.push(failure));
  });
  afterEach(() => setTelemetryFailureHandler(previousHandler));

  /** Every meshmart_* sample of the registry, as a scrape shows it. */
  const scrape = async (): Promise<PrometheusSample[]> => parsePrometheusText(await registry.metrics());

  it('counts outlier ejections per instance and retries per outcome', async () => {
    metrics.recordOutlierEjection('inventory-service', '127.0.0.1:7001');
    metrics.recordOutlierEjection('inventory-service', '127.0.0.1:7001');
    metrics.recordOutlierEjection('inventory-service', '127.0.0.1:7002');
    metrics.recordRetry('payment-service', 'success');
    metrics.recordRetry('payment-service', 'budget_exhausted');
    metrics.recordRetry('payment-service', 'budget_exhausted');

    expect(await scrape()).toEqual([
      { name: 'meshmart_outlier_ejections_total', labels: { destination_service: 'inventory-service', instance: '127.0.0.1:7001' }, value: 2 },
      { name: 'meshmart_outlier_ejections_total', labels: { destination_service: 'inventory-service', instance: '127.0.0.1:7002' }, value: 1 },
      { name: 'meshmart_retries_total', labels: { destination_service: 'payment-service', outcome: 'success' }, value: 1 },
      { name: 'meshmart_retries_total', labels: { destination_service: 'payment-service', outcome: 'budget_exhausted' }, value: 2 },
    ]);
  });

  it('reports the ejected instances of each watched upstream, from 0 before any ejection', async () => {
    metrics.watchUpstream('inventory-service');
    metrics.watchUpstream('payment-service');
    metrics.setEjectedInstances('payment-service', 2);
    metrics.setEjectedInstances('payment-service', 1);

    expect(await scrape()).toEqual([
      { name: 'meshmart_outlier_ejected_instances', labels: { destination_service: 'inventory-service' }, value: 0 },
      { name: 'meshmart_outlier_ejected_instances', labels: { destination_service: 'payment-service' }, value: 1 },
    ]);
    metrics.setEjectedInstances('payment-service', -1);
    expect(failures.map((failure) => failure.message)).toEqual([expect.stringMatching(/whole number >= 0, got -1/)]);
  });

  it('exports breaker states as 0 closed, 1 open, 2 half-open, keeping only the latest', async () => {
    const states: [string, CircuitBreakerState][] = [
      ['inventory-service', 'open'],
      ['inventory-service', 'half-open'],
      ['payment-service', 'open'],
      ['order-service', 'open'],
      ['order-service', 'closed'],
    ];
    for (const [service, state] of states) metrics.setCircuitBreakerState(service, state);

    expect(await scrape()).toEqual([
      { name: 'meshmart_circuit_breaker_state', labels: { destination_service: 'inventory-service' }, value: 2 },
      { name: 'meshmart_circuit_breaker_state', labels: { destination_service: 'payment-service' }, value: 1 },
      { name: 'meshmart_circuit_breaker_state', labels: { destination_service: 'order-service' }, value: 0 },
    ]);
  });

  it('tracks registry instances, authorization denials and certificate expiry', async () => {
    metrics.setRegistryInstances('inventory-service', 3);
    metrics.setRegistryInstances('inventory-service', 2);
    metrics.recordAuthzDenied('payment-service', 'spiffe://meshmart.local/ns/meshmart/sa/cart-service');
    metrics.recordAuthzDenied('payment-service', undefined);
    metrics.setCertificateExpiry('cart-service', new Date('2030-01-02T03:04:05.678Z'));

    expect(await scrape()).toEqual([
      { name: 'meshmart_registry_instances', labels: { service: 'inventory-service' }, value: 2 },
      {
        name: 'meshmart_authz_denied_total',
        labels: { destination_workload: 'payment-service', source_principal: 'spiffe://meshmart.local/ns/meshmart/sa/cart-service' },
        value: 1,
      },
      { name: 'meshmart_authz_denied_total', labels: { destination_workload: 'payment-service', source_principal: 'unknown' }, value: 1 },
      { name: 'meshmart_certificate_expiry_timestamp_seconds', labels: { workload: 'cart-service' }, value: 1893553445 },
    ]);
  });

  it('counts inbound requests in flight, each ended once however often its end is reported', async () => {
    const first = metrics.trackInboundRequest('inventory-service');
    const second = metrics.trackInboundRequest('inventory-service');
    expect(await scrape()).toEqual([{ name: 'meshmart_requests_in_flight', labels: { workload: 'inventory-service' }, value: 2 }]);
    first();
    first();
    expect(await scrape()).toEqual([{ name: 'meshmart_requests_in_flight', labels: { workload: 'inventory-service' }, value: 1 }]);
    second();
    expect(await scrape()).toEqual([{ name: 'meshmart_requests_in_flight', labels: { workload: 'inventory-service' }, value: 0 }]);
  });

  it('reports impossible updates to the failure handler, throws nothing and keeps the last good value', async () => {
    metrics.setRegistryInstances('inventory-service', 2);
    expect(() => metrics.setRegistryInstances('inventory-service', -1)).not.toThrow();
    expect(() => metrics.setCircuitBreakerState('inventory-service', 'melted' as CircuitBreakerState)).not.toThrow();
    expect(() => metrics.setCertificateExpiry('cart-service', new Date('not a date'))).not.toThrow();

    expect(failures.map((failure) => failure.operation)).toEqual([
      'meshmart_registry_instances',
      'meshmart_circuit_breaker_state',
      'meshmart_certificate_expiry_timestamp_seconds',
    ]);
    expect(await scrape()).toEqual([{ name: 'meshmart_registry_instances', labels: { service: 'inventory-service' }, value: 2 }]);
  });

  it('shows the traffic policy version per upstream (0: none) and counts routed calls per route and subset', async () => {
    metrics.setTrafficPolicyVersion('payment-service', '812');
    metrics.setTrafficPolicyVersion('inventory-service', undefined);
    metrics.recordTrafficRoute('payment-service', 'canary', 'v2');
    metrics.recordTrafficRoute('payment-service', 'canary', 'v2');
    metrics.recordTrafficRoute('inventory-service', 'reads', undefined);
    expect(await scrape()).toEqual([
      { name: 'meshmart_traffic_policy_version', labels: { destination_service: 'payment-service' }, value: 812 },
      { name: 'meshmart_traffic_policy_version', labels: { destination_service: 'inventory-service' }, value: 0 },
      { name: 'meshmart_traffic_routed_total', labels: { destination_service: 'payment-service', route: 'canary', destination_subset: 'v2' }, value: 2 },
      { name: 'meshmart_traffic_routed_total', labels: { destination_service: 'inventory-service', route: 'reads', destination_subset: '-' }, value: 1 },
    ]);
    metrics.setTrafficPolicyVersion('payment-service', 'v7');
    expect(failures.map((failure) => failure.operation)).toEqual(['meshmart_traffic_policy_version']);
  });
});
