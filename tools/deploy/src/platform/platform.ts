import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Workload, workloads } from '@meshmart/contracts';
import { resilienceDefaults } from '@meshmart/mesh';
import { PersistenceModule } from '@meshmart/persistence';
import { defaultReplicas } from '@meshmart/testing';
import { AppSources } from './app-sources';
import { readModuleGraph } from './module-graph';

/** The Kubernetes namespace and mesh namespace (SPIFFE `ns/`) of every workload. */
export const NAMESPACE = 'meshmart';
/** Trust domains: the dev CA's (`meshmart certs`, compose) and Istio's default (Kubernetes). */
export const COMPOSE_TRUST_DOMAIN = 'meshmart.local';
export const ISTIO_TRUST_DOMAIN = 'cluster.local';

/** The ports each app listens on (as its `main.ts` defaults them), set as PORT everywhere. */
export const appPorts: Readonly<Record<Workload, number>> = { gateway: 8080, 'cart-service': 8081, 'order-service': 8082, 'inventory-service': 8083, 'payment-service': 8084 };

/** The sidecar's ports in compose, Istio's numbers where Istio has one. */
export const envoyPorts = { inbound: 15006, outbound: 15001, prometheus: 15020, admin: 9901, edge: 10000 } as const;

/** The hostname suffix that the apps' outbound calls use in compose (`inventory-service.sidecar` → 127.0.0.1). */
export const SIDECAR_HOST_SUFFIX = 'sidecar';

const { timeouts, retries, outlierDetection, connections } = resilienceDefaults;
const seconds = (ms: number) => ms / 1_000;

/** Per upstream call: the route timeout and the retries of idempotent calls, the library's `resilienceDefaults`. */
export const callPolicy = { timeoutSeconds: seconds(timeouts.callMs), idempotentAttempts: retries.attempts, perTryTimeoutSeconds: seconds(timeouts.perTryMs) } as const;

/** Outlier detection as the library does it (`resilienceDefaults.outlierDetection`). */
export const outlierPolicy = {
  consecutiveErrors: outlierDetection.consecutiveGatewayErrors,
  intervalSeconds: seconds(outlierDetection.intervalMs),
  baseEjectionSeconds: seconds(outlierDetection.baseEjectionMs),
  maxEjectionPercent: outlierDetection.maxEjectionPercent,
} as const;

/**
 * Connection limits towards each upstream (Envoy's circuit breakers, Istio's connection pool) as
 * the library's bulkhead sets them (`resilienceDefaults.connections`): calls in flight, calls
 * waiting; HTTP/1.1 carries one call per connection, so no more connections than calls in flight.
 */
export const connectionPolicy = {
  maxConnections: connections.maxConcurrentCalls,
  maxPendingRequests: connections.maxQueuedCalls,
  maxRequests: connections.maxConcurrentCalls,
  maxRetries: retries.maxConcurrent,
  connectTimeoutSeconds: seconds(timeouts.connectMs),
} as const;

export interface WorkloadDeployment {
  name: Workload;
  port: number;
  upstreams: readonly Workload[];
  /** Instances in compose and the Kubernetes base (two of inventory and payment, as the demo runs). */
  replicas: number;
  /** The public edge: a plaintext listener on which the library enforces no policy. */
  edge: boolean;
  /** Keeps state: its own database and Kafka (its module imports PersistenceModule). */
  persistence: boolean;
  /** Envoy/Istio balancing towards it: least-request across replicas, round robin for one. */
  balancer: 'LEAST_REQUEST' | 'ROUND_ROBIN';
}

export interface PlatformModel {
  version: string;
  workloads: WorkloadDeployment[];
  sources: AppSources;
}

/** The deployment model, read from the workspace: the apps' mesh options and modules, the version. */
export async function loadPlatform(workspaceRoot: string): Promise<PlatformModel> {
  const sources = new AppSources(workspaceRoot);
  const { version } = JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8')) as { version: string };
  const deployments: WorkloadDeployment[] = [];
  for (const name of workloads) {
    const mesh = await sources.meshOptions(name);
    if (mesh.service !== name) throw new Error(`apps/${name}/src/mesh.ts names its workload "${mesh.service}", not "${name}"`);
    const graph = readModuleGraph(await sources.appModule(name));
    const upstreams = (mesh.upstreams ?? []).map((upstream) => {
      if (!(workloads as readonly string[]).includes(upstream)) throw new Error(`${name} calls "${upstream}", which is no MeshMart workload`);
      return upstream as Workload;
    });
    const replicas = defaultReplicas[name];
    deployments.push({ name, port: appPorts[name], upstreams, replicas, edge: name === 'gateway', persistence: graph.modules.has(PersistenceModule), balancer: replicas > 1 ? 'LEAST_REQUEST' : 'ROUND_ROBIN' });
  }
  return { version, workloads: deployments, sources };
}

/** `inventory-service` → `meshmart/inventory-service:<version>`: the image compose builds and Kubernetes runs. */
export function imageOf(workload: string, version: string): string {
  return `meshmart/${workload}:${version}`;
}
