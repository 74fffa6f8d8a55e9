/**
 * One running instance of a service, as discovery knows it. The same shape travels through
 * every registry backend (etcd, dns, static) and every balancer.
 */
export interface ServiceInstance {
  /** Unique per process, stable for its life (e.g. `inventory-service-7f3a`). */
  id: string;
  /** Workload name (`inventory-service`); also the SPIFFE service account. */
  service: string;
  address: string;
  port: number;
  /** Locality, for zone-aware balancing; `local` when unknown. */
  zone: string;
  /** Release of the code, for canaries (`0.1.0`). */
  version: string;
  /** Relative share for weighted balancing; 1 unless set. */
  weight: number;
  /** What the instance says of itself; active health checks and outlier detection add their view. */
  healthy: boolean;
  /**
   * How it is reached: `https` (mTLS, also when absent) or `http`, a plaintext listener — only
   * the gateway's public edge has one. Scrapers (Prometheus) read it; balancers do not need it.
   */
  scheme?: 'https' | 'http';
  /** Further labels traffic policies select subsets by (`MESH_LABELS`); `version` and `zone` always count too. */
  labels?: Readonly<Record<string, string>>;
}

/** `address:port`, the key that names an instance's endpoint in logs and metrics. */
export function endpointOf(instance: Pick<ServiceInstance, 'address' | 'port'>): string {
  return `${instance.address}:${instance.port}`;
}
