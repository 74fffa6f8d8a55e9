/** Where the traffic commands write: the mesh's etcd and namespace, as the services read them. */
export interface TrafficTarget {
  etcd: readonly string[];
  namespace: string;
}

/** ETCD_ENDPOINTS and MESH_NAMESPACE as the services read them, else the local stack's etcd and `meshmart`. */
export function trafficTarget(env: NodeJS.ProcessEnv, stackEtcdPort: number): TrafficTarget {
  const etcd = (env['ETCD_ENDPOINTS'] ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  return { etcd: etcd.length > 0 ? etcd : [`http://127.0.0.1:${stackEtcdPort}`], namespace: env['MESH_NAMESPACE'] || 'meshmart' };
}
