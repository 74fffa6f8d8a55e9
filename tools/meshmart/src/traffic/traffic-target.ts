/** Where the traffic commands write: the mesh's etcd and namespace, as the services read them. */
export interface TrafficTarget {
  etcd: readonly string[];
  namespace: string;
}

/** Where a command prints; the console by default, a buffer in tests. */
export interface CommandOutput {
  info(line: string): void;
  error(line: string): void;
}

export const consoleOutput: CommandOutput = { info: (line) => console.log(line), error: (line) => console.error(line) };

/** A mistake in the command line or its input: one line saying what is wrong, exit code 2. */
export class TrafficUsageError extends Error {}

/** ETCD_ENDPOINTS and MESH_NAMESPACE as the services read them, else the local stack's etcd and `meshmart`. */
export function trafficTarget(env: NodeJS.ProcessEnv, stackEtcdPort: number): TrafficTarget {
  const etcd = (env['ETCD_ENDPOINTS'] ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  return { etcd: etcd.length > 0 ? etcd : [`http://127.0.0.1:${stackEtcdPort}`], namespace: env['MESH_NAMESPACE'] || 'meshmart' };
}

export function isParseArgsError(error: unknown): boolean {
  const code: unknown = error instanceof TypeError ? (error as TypeError & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
