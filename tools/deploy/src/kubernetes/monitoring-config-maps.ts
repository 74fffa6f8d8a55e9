import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const MONITORING_NAMESPACE = 'meshmart-monitoring';

/**
 * The monitoring files of the local and compose stacks (infra/grafana, infra/prometheus/rules)
 * as ConfigMaps, so Kubernetes runs the same dashboards and rules: kustomize cannot read
 * outside its folder, so these are generated copies that the check keeps identical.
 */
export const monitoringSources = [
  { name: 'grafana-datasources', dir: 'infra/grafana/provisioning/datasources', pattern: /\.ya?ml$/ },
  { name: 'grafana-dashboard-providers', dir: 'infra/grafana/provisioning/dashboards', pattern: /\.ya?ml$/ },
  { name: 'grafana-dashboards', dir: 'infra/grafana/dashboards', pattern: /\.json$/ },
  { name: 'prometheus-rules', dir: 'infra/prometheus/rules', pattern: /\.ya?ml$/ },
] as const;

export function monitoringConfigMaps(workspaceRoot: string): object[] {
  return monitoringSources.map(({ name, dir, pattern }) => {
    const folder = join(workspaceRoot, dir);
    const files = existsSync(folder)
      ? readdirSync(folder, { withFileTypes: true })
          .filter((entry) => entry.isFile() && pattern.test(entry.name))
          .map((entry) => entry.name)
          .sort()
      : [];
    return {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: MONITORING_NAMESPACE, labels: { 'app.kubernetes.io/part-of': 'meshmart', 'meshmart.dev/source': dir.replaceAll('/', '.') } },
      data: Object.fromEntries(files.map((file) => [file, readFileSync(join(folder, file), 'utf8')])),
    };
  });
}
