import type { TrafficPolicy } from '@meshmart/mesh/tools';
import { subsetHostName, RETRY_ON } from '../traffic/policy-units';
import { type DefaultIstioRoute, istioDestinationRuleParts, istioHttpRoutes } from './istio-traffic-policy';
import { callPolicy, connectionPolicy, imageOf, ISTIO_TRUST_DOMAIN, NAMESPACE, outlierPolicy, type WorkloadDeployment } from '../platform/platform';

/** Every Service listens on this port: the library's default `MESH_SIDECAR_URL` is `http://{service}:8080`. */
export const SERVICE_PORT = 8080;
/** Secrets the cluster's operator creates (README): referenced here, never kept in git. */
export const secretRefs = {
  DATABASE_URL: { name: 'meshmart-database', key: 'url' },
  GATEWAY_JWT_SECRET: { name: 'meshmart-gateway', key: 'jwt-secret' },
} as const;
/** Settings every workload shares (Kafka brokers), set per environment by the overlay. */
export const PLATFORM_CONFIG_MAP = 'meshmart-platform';

/** Istio's probe rewrite and merged metrics, which keep probes and scrapes off the sidecar's inbound port. */
export const workloadAccessAnnotations = { 'sidecar.istio.io/rewriteAppHTTPProbers': 'true', 'prometheus.istio.io/merge-metrics': 'true' } as const;

const labels = (workload: string) => ({ app: workload, 'app.kubernetes.io/name': workload, 'app.kubernetes.io/part-of': 'meshmart' });

/** ServiceAccount (the workload identity), ConfigMap, Deployment, Service, PodDisruptionBudget and HPA of one workload. */
export function workloadManifests(workload: WorkloadDeployment, version: string): object[] {
  const name = workload.name;
  const metadata = { name, namespace: NAMESPACE, labels: labels(name) };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: false },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { ...metadata, name: `${name}-config` },
      data: {
        PORT: String(workload.port),
        HOST: '0.0.0.0',
        MESH_MODE: 'sidecar',
        MESH_LISTENER: 'plain',
        MESH_NAMESPACE: NAMESPACE,
        MESH_TRUST_DOMAIN: ISTIO_TRUST_DOMAIN,
        MESH_SIDECAR_URL: `http://{service}:${SERVICE_PORT}`,
        MESH_VERSION: version,
        // The Istio ingress gateway appends the client's address to X-Forwarded-For (the sidecar does not): the edge's per-address limit reads it.
        ...(workload.edge ? { GATEWAY_TRUSTED_PROXY_HOPS: '1' } : {}),
      },
    },
    deploymentOf(workload, version, { name, podVersion: version, replicas: workload.replicas }),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata,
      spec: { selector: { app: name }, ports: [{ name: 'http', port: SERVICE_PORT, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }] },
    },
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata, spec: { maxUnavailable: 1, selector: { matchLabels: { app: name } } } },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
        minReplicas: workload.replicas,
        maxReplicas: Math.max(4, workload.replicas * 2),
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
  ];
}

/** One Deployment of a workload: its main one, or a subset's (a canary) beside it. */
interface DeploymentShape {
  name: string;
  /** The pods' `version` label, as the instances register it (MESH_VERSION): what subsets select. */
  podVersion: string;
  replicas: number;
}

function deploymentOf(workload: WorkloadDeployment, version: string, deployment: DeploymentShape): object {
  const name = workload.name;
  const secretEnv = [...(workload.persistence ? (['DATABASE_URL'] as const) : []), ...(workload.edge ? (['GATEWAY_JWT_SECRET'] as const) : [])].map(
    (variable) => ({
      name: variable,
      valueFrom: { secretKeyRef: secretRefs[variable] },
    }),
  );
  const env = [...secretEnv, ...(deployment.podVersion !== version ? [{ name: 'MESH_VERSION', value: deployment.podVersion }] : [])];
  const probe = (path: string, periodSeconds: number, failureThreshold: number) => ({
    httpGet: { path, port: 'http' },
    periodSeconds,
    failureThreshold,
    timeoutSeconds: 2,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: deployment.name, namespace: NAMESPACE, labels: labels(name) },
    spec: {
      replicas: deployment.replicas,
      selector: { matchLabels: { app: name, version: deployment.podVersion } },
      template: {
        metadata: {
          labels: { ...labels(name), version: deployment.podVersion },
          // Under STRICT mTLS and allow-nothing, neither the kubelet nor Prometheus (no mesh
          // identity) may pass the sidecar: Istio's agent serves both on 15020, a port its
          // iptables never send to the sidecar. It answers the probes, rewritten to
          // /app-health/<container>/*, by calling the app on loopback, and merges the app's
          // /metrics (prometheus.io/*) with the sidecar's stats. Said here, not left to the
          // mesh's install options. check:deploy proves both stay reachable.
          annotations: {
            ...workloadAccessAnnotations,
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(workload.port),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: name,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name,
              image: imageOf(name, version),
              ports: [{ name: 'http', containerPort: workload.port, protocol: 'TCP' }],
              envFrom: [{ configMapRef: { name: `${name}-config` } }, ...(workload.persistence ? [{ configMapRef: { name: PLATFORM_CONFIG_MAP } }] : [])],
              ...(env.length > 0 ? { env } : {}),
              startupProbe: probe('/health', 2, 30),
              livenessProbe: probe('/health', 10, 3),
              readinessProbe: probe('/health/ready', 5, 3),
              resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '1', memory: '512Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: {} }],
        },
      },
    },
  };
}

/**
 * A Deployment per policy subset that names a version other than the platform's (the canary
 * `payment-service-v2`): one replica of this version's image that registers as the subset's
 * version, so a split has instances to send its share to from the first apply. Subsets of the
 * platform's version are the main Deployment's pods.
 */
export function subsetDeployments(workload: WorkloadDeployment, version: string, policy: TrafficPolicy | undefined): object[] {
  return (policy?.spec.subsets ?? []).flatMap((subset) => {
    const podVersion = subset.labels['version'];
    if (podVersion === undefined || podVersion === version) return [];
    return [deploymentOf(workload, version, { name: subsetHostName(workload.name, subset.name), podVersion, replicas: 1 })];
  });
}

/**
 * DestinationRule (balancing, connection pool, outlier detection) and VirtualService (timeout,
 * retries) of one workload, with its traffic policy (`infra/traffic/<workload>.yaml`, named by
 * `file` in errors) merged in: subsets, locality, and the policy's routes before the defaults.
 */
export function trafficManifests(workload: WorkloadDeployment, policy?: TrafficPolicy, file = `infra/traffic/${workload.name}.yaml`): object[] {
  const host = `${workload.name}.${NAMESPACE}.svc.cluster.local`;
  const metadata = { name: workload.name, namespace: NAMESPACE, labels: labels(workload.name) };
  const destinationOf = (subset?: string) => ({ host, ...(subset ? { subset } : {}), port: { number: SERVICE_PORT } });
  const retries = (retryOn: string) => ({ attempts: callPolicy.idempotentAttempts - 1, perTryTimeout: `${callPolicy.perTryTimeoutSeconds}s`, retryOn });
  const timeout = `${callPolicy.timeoutSeconds}s`;
  // As the library: only idempotent methods and idempotency-keyed calls are retried on 5xx.
  const defaults: DefaultIstioRoute[] = [
    { name: 'idempotent-method', match: [{ method: { regex: '^(GET|HEAD|OPTIONS|PUT|DELETE)$' } }], timeout, retries: retries(RETRY_ON.idempotent) },
    { name: 'idempotency-key', match: [{ headers: { 'idempotency-key': { regex: '.+' } } }], timeout, retries: retries(RETRY_ON.idempotent) },
    { name: 'other', timeout, retries: retries(RETRY_ON.any) },
  ];
  const { subsets, localityLbSetting } = istioDestinationRuleParts(policy, file);
  return [
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata,
      spec: {
        host,
        trafficPolicy: {
          loadBalancer: { simple: workload.balancer, ...(localityLbSetting ? { localityLbSetting } : {}) },
          connectionPool: {
            tcp: { maxConnections: connectionPolicy.maxConnections, connectTimeout: `${connectionPolicy.connectTimeoutSeconds}s` },
            http: {
              http1MaxPendingRequests: connectionPolicy.maxPendingRequests,
              http2MaxRequests: connectionPolicy.maxRequests,
              maxRequestsPerConnection: 0,
              maxRetries: connectionPolicy.maxRetries,
            },
          },
          outlierDetection: {
            consecutive5xxErrors: outlierPolicy.consecutiveErrors,
            consecutiveGatewayErrors: outlierPolicy.consecutiveErrors,
            interval: `${outlierPolicy.intervalSeconds}s`,
            baseEjectionTime: `${outlierPolicy.baseEjectionSeconds}s`,
            maxEjectionPercent: outlierPolicy.maxEjectionPercent,
          },
          tls: { mode: 'ISTIO_MUTUAL' },
        },
        ...(subsets ? { subsets } : {}),
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata,
      spec: {
        hosts: [host],
        http: istioHttpRoutes(policy, defaults, destinationOf),
      },
    },
  ];
}
