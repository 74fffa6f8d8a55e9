import type { RegisteredInstance } from '../registry/registered-instances';
import { RATE_WINDOW } from './mesh-graph';
import type { PromSample, PrometheusClient } from './prometheus-client';

/** One registered instance with what Prometheus last said of it. */
export interface InstanceRow {
  instanceId: string;
  workload: string;
  address: string;
  zone: string;
  version: string;
  weight: number;
  /** What the instance says of itself in the registry. */
  healthy: boolean;
  /** Prometheus's last scrape of it succeeded (null: not scraped yet). */
  scraped: boolean | null;
  /** Callers' outlier detection ejected it within the last 5 minutes, and how many times. */
  ejections: number;
  /** Its workload certificate's expiry (ISO time), when reported. */
  certificateExpiry: string | null;
  /** Inbound requests in progress, when reported. */
  inFlight: number | null;
  /** RED over the rate window, as the instance itself reported (server side). */
  requestRate: number;
  errorPercent: number;
  p99Ms: number | null;
}

export async function readInstanceTable(prometheus: PrometheusClient, namespace: string, instances: readonly RegisteredInstance[]): Promise<InstanceRow[]> {
  const ns = `namespace="${namespace}"`;
  const requests = `istio_requests_total{reporter="destination",${ns}}`;
  const [up, rates, errors, p99, expiry, ejections, inFlight] = await Promise.all([
    prometheus.query(`up{${ns}}`),
    prometheus.query(`sum by (instance_id) (rate(${requests}[${RATE_WINDOW}]))`),
    prometheus.query(`sum by (instance_id) (rate(istio_requests_total{reporter="destination",${ns},response_code=~"5..|0"}[${RATE_WINDOW}]))`),
    prometheus.query(
      `histogram_quantile(0.99, sum by (instance_id, le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination",${ns}}[${RATE_WINDOW}])))`,
    ),
    prometheus.query(`max by (instance_id) (meshmart_certificate_expiry_timestamp_seconds{${ns}})`),
    // The callers count ejections by the ejected endpoint (`address:port`); Prometheus keeps
    // that label as `exported_instance`, beside its own `instance` (the scraped target).
    prometheus.query(`sum by (exported_instance) (increase(meshmart_outlier_ejections_total{${ns}}[5m]))`),
    prometheus.query(`sum by (instance_id) (meshmart_requests_in_flight{${ns}})`),
  ]);
  const byId = (list: readonly PromSample[], label = 'instance_id') => new Map(list.map((sample) => [sample.metric[label] ?? '', sample.value]));
  const [upOf, rateOf, errorOf, p99Of, expiryOf, ejectedOf, inFlightOf] = [
    byId(up),
    byId(rates),
    byId(errors),
    byId(p99),
    byId(expiry),
    byId(ejections, 'exported_instance'),
    byId(inFlight),
  ];
  return instances.map((instance) => {
    const address = `${instance.address}:${instance.port}`;
    const rate = rateOf.get(instance.instanceId) ?? 0;
    const latency = p99Of.get(instance.instanceId);
    const expires = expiryOf.get(instance.instanceId);
    const scraped = upOf.get(instance.instanceId);
    return {
      instanceId: instance.instanceId,
      workload: instance.workload,
      address,
      zone: instance.zone,
      version: instance.version,
      weight: instance.weight,
      healthy: instance.healthy,
      scraped: scraped === undefined ? null : scraped === 1,
      ejections: Math.round(ejectedOf.get(address) ?? 0),
      certificateExpiry: expires === undefined ? null : new Date(expires * 1000).toISOString(),
      inFlight: inFlightOf.get(instance.instanceId) ?? null,
      requestRate: rate,
      errorPercent: rate > 0 ? (100 * (errorOf.get(instance.instanceId) ?? 0)) / rate : 0,
      p99Ms: latency !== undefined && Number.isFinite(latency) ? latency : null,
    };
  });
}
