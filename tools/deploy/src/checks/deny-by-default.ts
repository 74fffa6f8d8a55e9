import { ALLOW_NOTHING, DEFAULT_INGRESS_GATEWAY_PRINCIPAL, INGRESS_IDENTITY } from '../authz/edge-policy';
import { workloadAccessAnnotations } from '../kubernetes/workload-manifests';
import { podTemplateOf, selects } from './kubernetes-consistency';
import { describe, type KubeObject } from './kubernetes-render';

/**
 * Deny by default in Kubernetes, as the library denies in local mode: the namespace has an
 * allow-nothing policy, every workload is opened by an ALLOW policy of its own (or stays shut),
 * no rule opens a workload to every caller, and what must reach a pod without a mesh identity
 * (the kubelet's probes, Prometheus) goes through Istio's agent, not the sidecar.
 */

interface PolicySpec {
  selector?: { matchLabels?: Record<string, string> };
  targetRef?: unknown;
  targetRefs?: unknown[];
  action?: string;
  rules?: { from?: { source?: Record<string, unknown> }[]; to?: unknown[]; when?: unknown[] }[];
}

type Probe = { httpGet?: { port: number | string }; tcpSocket?: { port: number | string }; grpc?: { port: number } };
type PodContainer = { name: string; ports?: { name?: string; containerPort: number }[]; livenessProbe?: Probe; readinessProbe?: Probe; startupProbe?: Probe };
type PodTemplate = { metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: { containers: PodContainer[] } };

/** Istio's agent port: merged metrics and rewritten probes; Istio's iptables never send it to the sidecar. */
export const ISTIO_AGENT_PORT = 15020;

const specOf = (policy: KubeObject): PolicySpec => (policy['spec'] as PolicySpec | null | undefined) ?? {};
const isAllow = (policy: KubeObject) => (specOf(policy).action ?? 'ALLOW') === 'ALLOW';
const policiesIn = (objects: readonly KubeObject[], namespace: string) =>
  objects.filter((object) => object.kind === 'AuthorizationPolicy' && object.metadata.namespace === namespace);
const deploymentsIn = (objects: readonly KubeObject[], namespace: string) =>
  objects.filter((object) => object.kind === 'Deployment' && object.metadata.namespace === namespace);

/** The ingress gateway's principal as the overlay names it (ConfigMap meshmart-ingress), else Istio's default. */
export function ingressPrincipalOf(objects: readonly KubeObject[], namespace: string): string {
  const map = objects.find(
    (object) => object.kind === 'ConfigMap' && object.metadata.name === INGRESS_IDENTITY.configMap && object.metadata.namespace === namespace,
  ) as { data?: Record<string, string> } | undefined;
  return map?.data?.[INGRESS_IDENTITY.key] ?? DEFAULT_INGRESS_GATEWAY_PRINCIPAL;
}

/** An ALLOW policy with no selector and no rules: it selects every workload of the namespace and allows nothing. */
function isAllowNothing(policy: KubeObject): boolean {
  const spec = specOf(policy);
  return isAllow(policy) && !spec.selector && !spec.targetRef && !spec.targetRefs?.length && (spec.rules ?? []).length === 0;
}

export function denyByDefaultProblems(objects: readonly KubeObject[], namespace: string): string[] {
  const problems: string[] = [];
  const policies = policiesIn(objects, namespace);
  if (!policies.some(isAllowNothing))
    problems.push(`namespace ${namespace} has no ${ALLOW_NOTHING} AuthorizationPolicy (spec: {}): a workload that no policy selects accepts every caller`);
  for (const policy of policies.filter(isAllow)) {
    const spec = specOf(policy);
    if ((spec.rules ?? []).length > 0 && !spec.selector && !spec.targetRef && !spec.targetRefs?.length)
      problems.push(`${describe(policy)} has rules but no selector, so it opens every workload of namespace ${namespace}`);
    (spec.rules ?? []).forEach((rule, index) => {
      const sources = rule.from ?? [];
      if (sources.length === 0) problems.push(`${describe(policy)}: rule ${index} has an empty from, so it allows every caller`);
      else if (sources.some(({ source }) => !source || Object.values(source).every((value) => !Array.isArray(value) || value.length === 0)))
        problems.push(`${describe(policy)}: rule ${index} has a source that names no one, so it allows every caller`);
    });
  }
  const opening = policies.filter((policy) => isAllow(policy) && (specOf(policy).rules ?? []).length > 0);
  for (const deployment of deploymentsIn(objects, namespace)) {
    const labels = podTemplateOf(deployment).metadata?.labels;
    const selecting = opening.filter((policy) => selects(specOf(policy).selector?.matchLabels, labels));
    if (selecting.length === 0) problems.push(`${describe(deployment)} is selected by no ALLOW AuthorizationPolicy: ${ALLOW_NOTHING} refuses every call to it`);
    // Istio allows what any ALLOW policy allows: a second one would open what the routes do not.
    if (selecting.length > 1)
      problems.push(
        `${describe(deployment)} is opened by ${selecting.length} ALLOW AuthorizationPolicies (${selecting.map((policy) => policy.metadata.name).join(', ')}): only the one its routes make may open it`,
      );
  }
  return problems;
}

/**
 * The kubelet and Prometheus have no mesh identity, so under STRICT mTLS and allow-nothing the
 * sidecar refuses them: each Deployment of an injected namespace has its probes rewritten to
 * Istio's agent, and its app metrics merged into the agent's endpoint, which a Service publishes
 * on 15020 for Prometheus's discovery.
 */
export function agentReachabilityProblems(objects: readonly KubeObject[], namespace: string): string[] {
  const namespaceObject = objects.find((object) => object.kind === 'Namespace' && object.metadata.name === namespace);
  if (namespaceObject?.metadata.labels?.['istio-injection'] !== 'enabled')
    return [`namespace ${namespace} is not labelled istio-injection: enabled, so its pods run without a sidecar and nothing enforces its policies`];
  const problems: string[] = [];
  const services = objects.filter((object) => object.kind === 'Service' && object.metadata.namespace === namespace);
  for (const deployment of deploymentsIn(objects, namespace)) {
    const template = podTemplateOf(deployment) as unknown as PodTemplate;
    const annotations = template.metadata?.annotations ?? {};
    const containerPorts = template.spec.containers.flatMap((container) => container.ports ?? []);
    const probed = template.spec.containers.some((container) =>
      [container.livenessProbe, container.readinessProbe, container.startupProbe].some((probe) => probe?.httpGet ?? probe?.tcpSocket ?? probe?.grpc),
    );
    if (probed && annotations['sidecar.istio.io/rewriteAppHTTPProbers'] !== workloadAccessAnnotations['sidecar.istio.io/rewriteAppHTTPProbers']) {
      problems.push(
        `${describe(deployment)}: its probes would pass the sidecar, which refuses the kubelet (no mesh identity): annotate the pod sidecar.istio.io/rewriteAppHTTPProbers: "true"`,
      );
    }
    if (annotations['prometheus.io/scrape'] !== 'true') continue;
    const port = Number(annotations['prometheus.io/port']);
    if (!containerPorts.some((candidate) => candidate.containerPort === port))
      problems.push(
        `${describe(deployment)}: prometheus.io/port ${annotations['prometheus.io/port'] ?? 'unset'} is no container port, so Istio's agent has no metrics to merge`,
      );
    if (annotations['prometheus.istio.io/merge-metrics'] !== workloadAccessAnnotations['prometheus.istio.io/merge-metrics']) {
      problems.push(
        `${describe(deployment)}: its metrics would be scraped through the sidecar, which refuses Prometheus (no mesh identity): annotate the pod prometheus.istio.io/merge-metrics: "true"`,
      );
    }
    const published = services.some((service) => {
      const spec = service['spec'] as { selector?: Record<string, string>; ports?: { port: number; targetPort?: number | string }[] };
      return (
        selects(spec.selector, template.metadata?.labels) &&
        (spec.ports ?? []).some((servicePort) => (servicePort.targetPort ?? servicePort.port) === ISTIO_AGENT_PORT)
      );
    });
    if (!published)
      problems.push(`${describe(deployment)}: no Service publishes its pods' port ${ISTIO_AGENT_PORT}, where Prometheus scrapes the merged metrics`);
  }
  return problems;
}
