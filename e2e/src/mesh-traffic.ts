import type { Platform } from '@meshmart/testing';

export interface MeshTraffic {
  /** `source→destination` → requests, as the destinations reported them. */
  requests: Map<string, number>;
  /** Requests answered per instance id. */
  servedBy: Map<string, number>;
  /** Samples of service-to-service traffic whose connection_security_policy is not mutual_tls. */
  notMutualTls: string[];
}

const SAMPLE = /^istio_requests_total\{([^}]*)\}\s+(\d+(?:\.\d+)?)/;

/** Reads `istio_requests_total` from every running service instance's own /metrics, over mTLS as the operator. */
export async function meshTraffic(platform: Platform): Promise<MeshTraffic> {
  const traffic: MeshTraffic = { requests: new Map(), servedBy: new Map(), notMutualTls: [] };
  for (const app of platform.apps) {
    if (app.process.exitCode !== null || app.process.signalCode !== null) continue;
    const response = await platform.operator.send<string>('GET', `${app.url}/metrics`, undefined, { accept: 'text/plain' });
    for (const line of String(response.body).split('\n')) {
      const match = SAMPLE.exec(line);
      if (!match?.[1] || !match[2]) continue;
      const labels = Object.fromEntries([...match[1].matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1] as string, m[2] as string]));
      const count = Number(match[2]);
      const internal = labels['source_workload'] !== 'unknown' && labels['source_workload'] !== 'operator' && labels['destination_workload'] !== 'gateway';
      if (internal && labels['connection_security_policy'] !== 'mutual_tls') traffic.notMutualTls.push(line);
      if (labels['reporter'] !== 'destination' || !internal) continue;
      const edge = `${labels['source_workload']}→${labels['destination_workload']}`;
      traffic.requests.set(edge, (traffic.requests.get(edge) ?? 0) + count);
      traffic.servedBy.set(app.instanceId, (traffic.servedBy.get(app.instanceId) ?? 0) + count);
    }
  }
  return traffic;
}
