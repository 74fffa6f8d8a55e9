import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkloadDescriptor } from '@meshmart/contracts';
import { resilienceDefaults } from '@meshmart/mesh';
import { defaultDatabaseName, PersistenceModule } from '@meshmart/persistence';
import { AppSources } from './app-sources';
import { readModuleGraph } from './module-graph';

/** The Kubernetes namespace and mesh namespace (SPIFFE `ns/`) of every workload. */
export const NAMESPACE = 'meshmart';
/** Trust domains: the dev CA's (`meshmart certs`, compose) and Istio's default (Kubernetes). */
export const COMPOSE_TRUST_DOMAIN = 'meshmart.local';
export const ISTIO_TRUST_DOMAIN = 'cluster.local';

/** The sidecar's ports in compose, Istio's numbers where Istio has one. */
export const envoyPorts = { inbound: 15006, outbound: 15001, prometheus: 15020, admin: 9901, edge: 10000 } as const;

/** The hostname suffix that the apps' outbound calls use in compose (`inventory-service.sidecar` → 127.0.0.1). */
export const SIDECAR_HOST_SUFFIX = 'sidecar';

const { timeouts, retries, outlierDetection, connections } = resilienceDefaults;
const seconds = (ms: number) => ms / 1_000;

/** Per upstream call: the route timeout and the retries of idempotent calls, the library's `resilienceDefaults`. */
export const callPolicy = {
  timeoutSeconds: seconds(timeouts.callMs),
  idempotentAttempts: retries.attempts,
  perTryTimeoutSeconds: seconds(timeouts.perTryMs),
} as const;

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

/** A workload as the deployments see it: its descriptor (`apps/<name>/src/workload.ts`) and what follows from it. */
export interface WorkloadDeployment {
  name: string;
  /** The port the app listens on, set as PORT everywhere. */
  port: number;
  upstreams: readonly string[];
  /** Instances in compose and the Kubernetes base. */
  replicas: number;
  /** The public edge: a plaintext listener on which the library enforces no policy. */
  edge: boolean;
  /** Keeps state: its own database (the descriptor's) and Kafka; its module imports PersistenceModule. */
  persistence: boolean;
  /** Its database, when it keeps state. */
  database?: string | undefined;
  /** Envoy/Istio balancing towards it: least-request across replicas, round robin for one. */
  balancer: 'LEAST_REQUEST' | 'ROUND_ROBIN';
}

export interface PlatformModel {
  version: string;
  workloads: WorkloadDeployment[];
  /** The apps' descriptors, as read: what the generated registry in @meshmart/contracts holds. */
  descriptors: WorkloadDescriptor[];
  sources: AppSources;
}

/** The deployment model, read from the workspace: the apps' workload descriptors and modules, the version. */
export async function loadPlatform(workspaceRoot: string): Promise<PlatformModel> {
  const sources = new AppSources(workspaceRoot);
  const { version } = JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8')) as { version: string };
  const descriptors = await sources.workloadDescriptors();
  const deployments: WorkloadDeployment[] = [];
  for (const descriptor of descriptors) {
    const persistence = readModuleGraph(await sources.appModule(descriptor.name)).modules.has(PersistenceModule);
    const problem = persistenceProblem(descriptor, persistence);
    if (problem) throw new Error(`apps/${descriptor.name}/src/workload.ts: ${problem}`);
    deployments.push(deploymentOf(descriptor));
  }
  return { version, workloads: deployments, descriptors, sources };
}

/** A workload's deployment facts from its descriptor. */
export function deploymentOf(descriptor: WorkloadDescriptor): WorkloadDeployment {
  const { name, port, upstreams, replicas, edge, database } = descriptor;
  return { name, port, upstreams, replicas, edge, persistence: database !== undefined, database, balancer: replicas > 1 ? 'LEAST_REQUEST' : 'ROUND_ROBIN' };
}

/** The descriptor's database must be the one the app's PersistenceModule opens (DATABASE_NAME unset): the deployments set none. */
export function persistenceProblem(descriptor: WorkloadDescriptor, persistence: boolean): string | undefined {
  if (persistence && descriptor.database === undefined)
    return `its AppModule imports PersistenceModule, so the descriptor names its database (${defaultDatabaseName(descriptor.name)})`;
  if (!persistence && descriptor.database !== undefined) return `database ${descriptor.database}, but its AppModule imports no PersistenceModule`;
  if (persistence && descriptor.database !== defaultDatabaseName(descriptor.name))
    return `database ${String(descriptor.database)}, but PersistenceModule opens ${defaultDatabaseName(descriptor.name)}`;
  return undefined;
}

/** `inventory-service` → `meshmart/inventory-service:<version>`: the image compose builds and Kubernetes runs. */
export function imageOf(workload: string, version: string): string {
  return `meshmart/${workload}:${version}`;
}
