import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where the real components of a running stack answer. `meshmart stack up` writes this to
 * `<state dir>/stack.json`; tests and services read it from there or from the environment.
 */
export interface StackEndpoints {
  postgres: {
    /** Admin URL of the server (database `postgres`); service databases are siblings. */
    url: string;
    mode: 'external' | 'embedded' | 'container';
  };
  kafka: { brokers: string[] };
  etcd: { endpoints: string[] };
  prometheus: {
    url: string;
    /** Folder Prometheus watches for file service discovery (`*.json` target groups). */
    fileSdDir: string;
  };
  /**
   * The stack's mesh CA (`ca.crt`, `ca.key`): Prometheus scrapes with a certificate from it, so
   * workloads issued from it (the demo's, the tests') are scraped too. Absent: a stack without one.
   */
  mesh?: { caDir: string };
}

/** The environment variables that carry a StackEndpoints, for child processes and tests. */
export const stackEnvNames = {
  postgres: 'MESHMART_POSTGRES_URL',
  postgresMode: 'MESHMART_POSTGRES_MODE',
  kafka: 'KAFKA_BROKERS',
  etcd: 'ETCD_ENDPOINTS',
  prometheus: 'PROMETHEUS_URL',
  prometheusFileSd: 'PROMETHEUS_FILE_SD_DIR',
  meshCaDir: 'MESHMART_MESH_CA_DIR',
} as const;

export function stackEndpointsToEnv(endpoints: StackEndpoints): Record<string, string> {
  return {
    [stackEnvNames.postgres]: endpoints.postgres.url,
    [stackEnvNames.postgresMode]: endpoints.postgres.mode,
    [stackEnvNames.kafka]: endpoints.kafka.brokers.join(','),
    [stackEnvNames.etcd]: endpoints.etcd.endpoints.join(','),
    [stackEnvNames.prometheus]: endpoints.prometheus.url,
    [stackEnvNames.prometheusFileSd]: endpoints.prometheus.fileSdDir,
    ...(endpoints.mesh ? { [stackEnvNames.meshCaDir]: endpoints.mesh.caDir } : {}),
  };
}

/** Reads endpoints from the environment; undefined unless every variable is set. */
export function stackEndpointsFromEnv(env: NodeJS.ProcessEnv): StackEndpoints | undefined {
  const value = (name: string) => env[name]?.trim() || undefined;
  const postgres = value(stackEnvNames.postgres);
  const kafka = value(stackEnvNames.kafka);
  const etcd = value(stackEnvNames.etcd);
  const prometheus = value(stackEnvNames.prometheus);
  const fileSdDir = value(stackEnvNames.prometheusFileSd);
  if (!postgres || !kafka || !etcd || !prometheus || !fileSdDir) return undefined;
  const mode = value(stackEnvNames.postgresMode);
  return {
    postgres: { url: postgres, mode: mode === 'embedded' || mode === 'container' ? mode : 'external' },
    kafka: { brokers: kafka.split(',').map((broker) => broker.trim()) },
    etcd: { endpoints: etcd.split(',').map((endpoint) => endpoint.trim()) },
    prometheus: { url: prometheus, fileSdDir },
    ...(value(stackEnvNames.meshCaDir) ? { mesh: { caDir: value(stackEnvNames.meshCaDir) as string } } : {}),
  };
}

export function stackFilePath(stateDir: string): string {
  return join(stateDir, 'stack.json');
}

export function readStackFile(stateDir: string): StackEndpoints | undefined {
  const file = stackFilePath(stateDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StackEndpoints) : undefined;
}

/** The workspace root: the nearest folder above `from` holding nx.json. */
export function findWorkspaceRoot(from: string = process.cwd()): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no nx.json above ${from}: run from inside the MeshMart workspace`);
  }
}

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, from?: string): string {
  return env['MESHMART_STATE_DIR'] || join(findWorkspaceRoot(from), '.meshmart');
}

/** Postgres URL of one database on the stack's server. */
export function databaseUrl(endpoints: StackEndpoints, database: string): string {
  const url = new URL(endpoints.postgres.url);
  url.pathname = `/${database}`;
  return url.toString();
}
