import type { AuthorizationAction, AuthorizationPolicy } from './authorization-policy';

/** The Istio resource, as `kubectl apply` takes it (security.istio.io/v1). */
export interface IstioAuthorizationPolicy {
  apiVersion: 'security.istio.io/v1';
  kind: 'AuthorizationPolicy';
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    selector: { matchLabels: { app: string } };
    action: AuthorizationAction;
    rules: AuthorizationPolicy['rules'];
  };
}

/**
 * Renders the policy the library enforces in local mode as the Istio manifest that enforces
 * it in Kubernetes, so the two are one piece of data and never kept twice by hand.
 */
export function toIstioAuthorizationPolicy(policy: AuthorizationPolicy, namespace: string): IstioAuthorizationPolicy {
  const action = policy.action ?? 'ALLOW';
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    // A workload's DENY policy sits beside its ALLOW one, under its own name.
    metadata: {
      name: action === 'DENY' ? `${policy.workload}-deny` : policy.workload,
      namespace,
      labels: { 'app.kubernetes.io/part-of': 'meshmart', 'app.kubernetes.io/managed-by': 'meshmart' },
    },
    spec: {
      selector: { matchLabels: { app: policy.workload } },
      action,
      // Istio reads an ALLOW with no rules as "deny all", exactly the library's meaning.
      rules: structuredClone(policy.rules),
    },
  };
}
