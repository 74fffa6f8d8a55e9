import { loadMeshConfig } from '@meshmart/mesh/tools';
import { RATE_WINDOW } from './mesh-graph';
import type { PromSample, PrometheusClient } from './prometheus-client';

/** One setting the mesh applies to every upstream, with the variable that changes it. */
export interface MeshSetting {
  name: string;
  value: string | number;
  variable: string;
}

/** What one workload's client does towards one upstream, live. */
export interface UpstreamState {
  source: string;
  upstream: string;
  /** 0 closed, 1 open, 2 half-open (as `meshmart_circuit_breaker_state`). */
  breaker: 'closed' | 'open' | 'half-open' | 'unknown';
  ejectedInstances: number;
  /** Retries per second over the rate window, by outcome. */
  retries: Record<string, number>;
}

export interface TrafficView {
  /**
   * Traffic policies (routes, splits, faults) are not in the registry yet: until they are, the
   * balancer, breaker and retry settings every upstream gets are what is in force.
   */
  policies: [];
  settings: MeshSetting[];
  upstreams: UpstreamState[];
}

const shown: [keyof ReturnType<typeof loadMeshConfig>, string][] = [
  ['MESH_BALANCER', 'balancer'],
  ['MESH_CALL_TIMEOUT_MS', 'call timeout (ms)'],
  ['MESH_RETRY_ATTEMPTS', 'retry attempts (idempotent or idempotency-keyed calls only)'],
  ['MESH_BREAKER_FAILURE_RATIO', 'breaker opens at failure ratio (10 s, 5+ req/s)'],
  ['MESH_HEALTH_CHECK_INTERVAL_MS', 'active health check interval (ms)'],
  ['MESH_LEASE_TTL_SECONDS', 'registry lease TTL (s)'],
];

/** The mesh's settings as the services run them: the schema's defaults overlaid with `env` (what the demo passes). */
export function meshSettings(env: Readonly<Record<string, string>>): MeshSetting[] {
  // The required values without a default only satisfy the schema; they are not shown.
  const config = loadMeshConfig({ PORT: '0', ETCD_ENDPOINTS: 'http://unused', MESH_CERT_DIR: 'unused', ...env });
  return shown.map(([variable, name]) => ({ name, value: String(config[variable]), variable }));
}

const BREAKER_STATES = ['closed', 'open', 'half-open'] as const;

export async function readTrafficView(prometheus: PrometheusClient, namespace: string, env: Readonly<Record<string, string>>): Promise<TrafficView> {
  const ns = `namespace="${namespace}"`;
  const [breakers, ejected, retries] = await Promise.all([
    prometheus.query(`max by (workload, destination_service) (meshmart_circuit_breaker_state{${ns}})`),
    prometheus.query(`max by (workload, destination_service) (meshmart_outlier_ejected_instances{${ns}})`),
    prometheus.query(`sum by (workload, destination_service, outcome) (rate(meshmart_retries_total{${ns}}[${RATE_WINDOW}]))`),
  ]);
  const upstreams = new Map<string, UpstreamState>();
  const upstream = (sample: PromSample) => {
    const source = sample.metric['workload'] ?? 'unknown';
    const target = sample.metric['destination_service'] ?? 'unknown';
    const key = `${source}→${target}`;
    let state = upstreams.get(key);
    // The breaker's gauge is first written when its state changes: none yet means closed since start.
    if (!state) upstreams.set(key, (state = { source, upstream: target, breaker: 'closed', ejectedInstances: 0, retries: {} }));
    return state;
  };
  for (const sample of breakers) upstream(sample).breaker = BREAKER_STATES[sample.value] ?? 'unknown';
  for (const sample of ejected) upstream(sample).ejectedInstances = sample.value;
  for (const sample of retries) upstream(sample).retries[sample.metric['outcome'] ?? 'unknown'] = sample.value;
  return {
    policies: [],
    settings: meshSettings(env),
    upstreams: [...upstreams.values()].sort((a, b) => `${a.source}→${a.upstream}`.localeCompare(`${b.source}→${b.upstream}`)),
  };
}
