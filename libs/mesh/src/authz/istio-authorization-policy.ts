import type { AuthorizationPolicy } from './authorization-policy';

/** The Istio resource, as `kubectl apply` takes it (security.istio.io/v1). */
export interface IstioAuthorizationPolicy {
  apiVersion: 'security.istio.io/v1';
  kind: 'AuthorizationPolicy';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    selector: { matchLabels: { app: string } };
    action: 'ALLOW';
    rules: AuthorizationPolicy['rules'];
  };
}

/**
 * Renders the policy the library enforces in local mode as the Istio manifest that enforces
 * it in Kubernetes, so the two are one piece of data and never kept twice by hand.
 */
export function toIstioAuthorizationPolicy(policy: AuthorizationPolicy, namespace: string): IstioAuthorizationPolicy {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name: policy.workload, namespace, labels: { 'app.kubernetes.io/part-of': 'meshmart', 'app.kubernetes.io/managed-by': 'meshmart' } },
    spec: {
      selector: { matchLabels: { app: policy.workload } },
      action: 'ALLOW',
      // Istio reads an empty rule list as "deny all", exactly the library's meaning.
      rules: structuredClone(policy.rules),
    },
  };
}
