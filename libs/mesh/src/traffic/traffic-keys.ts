/**
 * Where traffic lives in etcd, beside the registry's `meshmart/<namespace>/services/`: one key
 * per destination service for its policy, and one for a fault injected with an expiry (under a
 * lease of its own, so it goes away by itself while the policy stays).
 */
export const trafficKeys = {
  policyPrefix: (namespace: string) => `meshmart/${namespace}/traffic/`,
  faultPrefix: (namespace: string) => `meshmart/${namespace}/faults/`,
  policy: (namespace: string, service: string) => `meshmart/${namespace}/traffic/${service}`,
  fault: (namespace: string, service: string) => `meshmart/${namespace}/faults/${service}`,
};

/** What a watched key says about a service, or undefined when the key is not one of ours. */
export function trafficKeyOf(namespace: string, key: string): { kind: 'policy' | 'fault'; service: string } | undefined {
  for (const kind of ['policy', 'fault'] as const) {
    const prefix = kind === 'policy' ? trafficKeys.policyPrefix(namespace) : trafficKeys.faultPrefix(namespace);
    if (key.startsWith(prefix) && !key.slice(prefix.length).includes('/')) return { kind, service: key.slice(prefix.length) };
  }
  return undefined;
}
