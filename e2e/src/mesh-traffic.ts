import { type Platform, readIstioRequests } from '@meshmart/platform';

export interface MeshTraffic {
  /** `source→destination` → requests, as the destinations reported them. */
  requests: Map<string, number>;
  /** Requests answered per instance id. */
  servedBy: Map<string, number>;
  /** Samples of service-to-service traffic not over mutual TLS (server side) or to an unverified identity (client side). */
  notMutualTls: string[];
}

/** Reads `istio_requests_total` from every running service instance's own /metrics, over mTLS as the operator. */
export async function meshTraffic(platform: Platform): Promise<MeshTraffic> {
  const traffic: MeshTraffic = { requests: new Map(), servedBy: new Map(), notMutualTls: [] };
  for (const app of platform.apps) {
    if (app.process.exitCode !== null || app.process.signalCode !== null) continue;
    for (const { labels, value: count, line } of await readIstioRequests(platform.operator, app)) {
      const internal = labels['source_workload'] !== 'unknown' && labels['source_workload'] !== 'operator' && labels['destination_workload'] !== 'gateway';
      if (!internal) continue;
      // As in Istio, only the server side knows the connection's policy (the client reports
      // `unknown`); the client side shows it verified the server's SPIFFE identity instead.
      if (labels['reporter'] === 'source') {
        if (!labels['destination_principal']?.startsWith('spiffe://')) traffic.notMutualTls.push(line);
        continue;
      }
      if (labels['connection_security_policy'] !== 'mutual_tls') traffic.notMutualTls.push(line);
      const edge = `${labels['source_workload']}→${labels['destination_workload']}`;
      traffic.requests.set(edge, (traffic.requests.get(edge) ?? 0) + count);
      traffic.servedBy.set(app.instanceId, (traffic.servedBy.get(app.instanceId) ?? 0) + count);
    }
  }
  return traffic;
}
