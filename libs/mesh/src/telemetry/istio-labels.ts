/** Who reports a request, as Istio says: the caller's side (`source`) or the callee's (`destination`). */
export type MeshReporter = 'source' | 'destination';

/** One end of a mesh request, in Istio's terms. Anything left out is reported as `unknown`, as Istio does. */
export interface MeshPeer {
  /** Workload name, e.g. `inventory-service`. */
  workload: string;
  /** Namespace of the workload, e.g. `meshmart`. */
  namespace: string;
  /** SPIFFE ID the peer proved, e.g. `spiffe://meshmart.local/ns/meshmart/sa/inventory-service`. */
  principal?: string;
  /** The workload's `app` label. */
  app?: string;
  /** The workload's `version` label. */
  version?: string;
  /** Istio's canonical service; default `app`, else `workload` (Istio's own fallback). */
  canonicalService?: string;
  /** Istio's canonical revision; default `version`, else `latest` (Istio's own fallback). */
  canonicalRevision?: string;
  /** Cluster of the workload; default the `cluster` MeshMetrics was made with. */
  cluster?: string;
}

/** The callee of a mesh request: a workload reached through a service. */
export interface MeshDestination extends MeshPeer {
  /** Service name, e.g. `inventory-service` (Istio's `destination_service_name`). */
  service: string;
  /**
   * Service host (Istio's `destination_service`); default `<service>.<namespace>.svc.cluster.local`,
   * the name Kubernetes gives it, so one dashboard query matches in every mode.
   */
  serviceHost?: string;
}

/**
 * One finished request, as either side of it saw it. Reuse the same `source` and `destination`
 * objects for every request between the same peers, and never change them once recorded: the
 * series is found by their identity first.
 */
export interface MeshRequestRecord {
  reporter: MeshReporter;
  source: MeshPeer;
  destination: MeshDestination;
  /** Default `http`. */
  protocol?: 'http';
  /** HTTP status; 0 when no response came (connection failure), as Envoy reports it. */
  responseCode: number;
  /**
   * Envoy response flags, `-` (the default) when none: `UF` upstream connection failure, `URX`
   * retry limit reached, `UO` overflow (breaker or concurrency limit), `UT` upstream timeout,
   * `NR` no route, `UH` no healthy upstream.
   */
  responseFlags?: string;
  durationMs: number;
  requestBytes: number;
  responseBytes: number;
  /** Whether the connection was mutual TLS. */
  mtls: boolean;
}

/**
 * The labels of Istio's standard request metrics, exactly as Istio's proxies emit them
 * (https://istio.io/latest/docs/reference/config/metrics/), so Istio's dashboards and queries
 * work unchanged on what the library reports.
 */
export const ISTIO_REQUEST_LABELS = [
  'reporter',
  'source_workload',
  'source_workload_namespace',
  'source_principal',
  'source_app',
  'source_version',
  'source_canonical_service',
  'source_canonical_revision',
  'source_cluster',
  'destination_workload',
  'destination_workload_namespace',
  'destination_principal',
  'destination_app',
  'destination_version',
  'destination_service',
  'destination_service_name',
  'destination_service_namespace',
  'destination_canonical_service',
  'destination_canonical_revision',
  'destination_cluster',
  'request_protocol',
  'response_code',
  'grpc_response_status',
  'response_flags',
  'connection_security_policy',
] as const;

export type IstioRequestLabel = (typeof ISTIO_REQUEST_LABELS)[number];

const UNKNOWN = 'unknown';

/** The first value that is set and not blank. */
function firstSet(...values: (string | undefined)[]): string | undefined {
  return values.find((value) => value !== undefined && value.trim() !== '');
}

function known(value: string | undefined): string {
  return firstSet(value) ?? UNKNOWN;
}

function peerLabels(peer: MeshPeer, defaultCluster: string) {
  return {
    workload: known(peer.workload),
    namespace: known(peer.namespace),
    principal: known(peer.principal),
    app: known(peer.app),
    version: known(peer.version),
    canonicalService: firstSet(peer.canonicalService, peer.app, peer.workload) ?? UNKNOWN,
    canonicalRevision: firstSet(peer.canonicalRevision, peer.version) ?? 'latest',
    cluster: firstSet(peer.cluster, defaultCluster) ?? UNKNOWN,
  };
}

/**
 * Istio's label values for one request. Istio cannot know the security policy on the caller's
 * side, so it reports `unknown` there; the callee reports `mutual_tls` or `none`.
 */
export function istioRequestLabels(record: MeshRequestRecord, defaultCluster: string): Record<IstioRequestLabel, string> {
  const source = peerLabels(record.source, defaultCluster);
  const destination = peerLabels(record.destination, defaultCluster);
  const serviceName = known(record.destination.service);
  const serviceHost =
    firstSet(record.destination.serviceHost) ?? (serviceName === UNKNOWN ? UNKNOWN : `${serviceName}.${destination.namespace}.svc.cluster.local`);
  const securityPolicy = record.reporter === 'source' ? UNKNOWN : record.mtls ? 'mutual_tls' : 'none';
  return {
    reporter: record.reporter,
    source_workload: source.workload,
    source_workload_namespace: source.namespace,
    source_principal: source.principal,
    source_app: source.app,
    source_version: source.version,
    source_canonical_service: source.canonicalService,
    source_canonical_revision: source.canonicalRevision,
    source_cluster: source.cluster,
    destination_workload: destination.workload,
    destination_workload_namespace: destination.namespace,
    destination_principal: destination.principal,
    destination_app: destination.app,
    destination_version: destination.version,
    destination_service: serviceHost,
    destination_service_name: serviceName,
    destination_service_namespace: destination.namespace,
    destination_canonical_service: destination.canonicalService,
    destination_canonical_revision: destination.canonicalRevision,
    destination_cluster: destination.cluster,
    request_protocol: record.protocol ?? 'http',
    response_code: String(Math.trunc(record.responseCode)),
    // Istio sets this only for gRPC; HTTP requests carry it empty.
    grpc_response_status: '',
    response_flags: firstSet(record.responseFlags) ?? '-',
    connection_security_policy: securityPolicy,
  };
}
