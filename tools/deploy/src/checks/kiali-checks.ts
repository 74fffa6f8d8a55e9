import { parse } from 'yaml';
import { MONITORING_NAMESPACE } from '../kubernetes/monitoring-config-maps';
import type { KubeObject } from './kubernetes-render';

interface KialiConfig {
  auth?: { strategy?: string };
  deployment?: { view_only_mode?: boolean };
  istio_namespace?: string;
  external_services?: { prometheus?: { url?: string }; grafana?: { enabled?: boolean; internal_url?: string }; istio?: { root_namespace?: string } };
}

interface ServicePort {
  port: number;
}

/** Where Istio's control plane runs: the namespace k8s/istio's ingress principal names. */
const ISTIO_NAMESPACE = 'istio-system';
/** A pinned Kiali image: an exact release, never `latest` or a floating minor. */
const PINNED_KIALI_IMAGE = /^quay\.io\/kiali\/kiali:v\d+\.\d+\.\d+$/;
const READ_VERBS = new Set(['get', 'list', 'watch']);

/**
 * Kiali in k8s/monitoring shows the graph the local console shows, so it must read what the
 * deployment really has: the Prometheus Service of the monitoring namespace (on the port that
 * Service exposes), Grafana's likewise, and Istio in istio-system. It runs anonymous, so it
 * must be view-only with a read-only ClusterRole, and its image must be pinned.
 */
export function kialiProblems(objects: readonly KubeObject[]): string[] {
  const find = (kind: string, name: string) =>
    objects.find(
      (object) => object.kind === kind && object.metadata.name === name && (kind.startsWith('Cluster') || object.metadata.namespace === MONITORING_NAMESPACE),
    );
  const deployment = find('Deployment', 'kiali');
  if (!deployment) return [`no Kiali Deployment in ${MONITORING_NAMESPACE}`];
  const problems: string[] = [];
  const pod = (
    deployment['spec'] as {
      template: { spec: { serviceAccountName?: string; containers: { image?: string }[]; volumes?: { configMap?: { name: string } }[] } };
    }
  ).template.spec;
  const image = pod.containers[0]?.image ?? '';
  if (!PINNED_KIALI_IMAGE.test(image)) problems.push(`Kiali's image ${image || '(none)'} is not pinned to a release (quay.io/kiali/kiali:vX.Y.Z)`);

  const mapName = pod.volumes?.find((volume) => volume.configMap)?.configMap?.name;
  const map = mapName ? (find('ConfigMap', mapName) as { data?: Record<string, string> } | undefined) : undefined;
  const text = map?.data?.['config.yaml'];
  if (!text) return [...problems, `Kiali mounts no ConfigMap with a config.yaml (${mapName ?? 'no configMap volume'})`];
  const config = parse(text) as KialiConfig;

  const serviceUrl = (name: string) => {
    const ports = (find('Service', name)?.['spec'] as { ports?: ServicePort[] } | undefined)?.ports ?? [];
    return ports.map((port) => `http://${name}.${MONITORING_NAMESPACE}:${port.port}`);
  };
  const prometheus = config.external_services?.prometheus?.url;
  if (!prometheus || !serviceUrl('prometheus').includes(prometheus))
    problems.push(
      `Kiali reads Prometheus at ${prometheus ?? '(nothing)'}, not at the prometheus Service of ${MONITORING_NAMESPACE} (${serviceUrl('prometheus').join(', ') || 'none'})`,
    );
  const grafana = config.external_services?.grafana;
  if (grafana?.enabled !== false && (!grafana?.internal_url || !serviceUrl('grafana').includes(grafana.internal_url)))
    problems.push(
      `Kiali links Grafana at ${grafana?.internal_url ?? '(nothing)'}, not at the grafana Service of ${MONITORING_NAMESPACE} (${serviceUrl('grafana').join(', ') || 'none'})`,
    );
  if (config.istio_namespace !== ISTIO_NAMESPACE || config.external_services?.istio?.root_namespace !== ISTIO_NAMESPACE)
    problems.push(
      `Kiali looks for Istio in ${config.istio_namespace ?? '(unset)'} (root ${config.external_services?.istio?.root_namespace ?? 'unset'}), not ${ISTIO_NAMESPACE}`,
    );

  if (config.auth?.strategy === 'anonymous' && config.deployment?.view_only_mode !== true)
    problems.push('Kiali lets anonymous users in without view_only_mode: true');
  const account = pod.serviceAccountName ?? 'default';
  const roles = objects
    .filter(
      (object) =>
        object.kind === 'ClusterRoleBinding' &&
        ((object['subjects'] as { kind: string; name: string; namespace?: string }[] | undefined) ?? []).some(
          (s) => s.kind === 'ServiceAccount' && s.name === account && s.namespace === MONITORING_NAMESPACE,
        ),
    )
    .map((binding) => (binding['roleRef'] as { name: string }).name);
  if (roles.length === 0) problems.push(`no ClusterRoleBinding gives Kiali's ServiceAccount ${account} a role`);
  for (const role of roles) {
    const rules = (find('ClusterRole', role)?.['rules'] as { resources?: string[]; verbs?: string[] }[] | undefined) ?? [];
    for (const rule of rules) {
      // tokenreviews/create only asks the API server who a token is; it changes nothing.
      const writes = (rule.verbs ?? []).filter(
        (verb) => !READ_VERBS.has(verb) && !(verb === 'create' && rule.resources?.every((resource) => resource === 'tokenreviews')),
      );
      if (writes.length > 0) problems.push(`ClusterRole ${role} lets view-only Kiali ${writes.join(', ')} ${(rule.resources ?? []).join(', ')}`);
    }
  }
  return problems;
}
