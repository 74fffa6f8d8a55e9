import { readEnvoyYaml } from '../envoy-schema/envoy-config';

/** What one Envoy bootstrap defines and refers to. */
interface EnvoyReferences {
  clusters: string[];
  secrets: string[];
  routedClusters: Set<string>;
  referencedSecrets: Set<string>;
}

const bootstrapFields = new Set([
  'node',
  'admin',
  'static_resources',
  'dynamic_resources',
  'layered_runtime',
  'stats_config',
  'stats_sinks',
  'overload_manager',
  'tracing',
  'cluster_manager',
  'watchdogs',
]);

/**
 * Parses an Envoy bootstrap (YAML) and checks its references, as Envoy would refuse them at
 * start: every route's cluster and every SDS secret name must be defined in the file, and
 * every defined cluster must be used by a route (an unused one is a forgotten upstream).
 */
export function envoyProblems(file: string, text: string): string[] {
  const read = readEnvoyYaml(file, text);
  if ('problem' in read) return [read.problem];
  const { config } = read;
  if (!isObject(config) || !isObject(config['static_resources'])) return [`${file} has no static_resources`];
  const problems = Object.keys(config)
    .filter((key) => !bootstrapFields.has(key))
    .map((key) => `${file}: "${key}" is no field of Envoy's Bootstrap`);
  const refs = collect(config['static_resources']);
  const duplicates = refs.clusters.filter((name, index) => refs.clusters.indexOf(name) !== index);
  for (const name of new Set(duplicates)) problems.push(`${file}: cluster "${name}" is defined twice`);
  for (const name of refs.routedClusters)
    if (!refs.clusters.includes(name)) problems.push(`${file}: a route sends to cluster "${name}", which the file does not define`);
  for (const name of refs.clusters) if (!refs.routedClusters.has(name)) problems.push(`${file}: cluster "${name}" is used by no route`);
  for (const name of refs.referencedSecrets)
    if (!refs.secrets.includes(name)) problems.push(`${file}: TLS refers to secret "${name}", which the file does not define`);
  for (const name of refs.secrets) if (!refs.referencedSecrets.has(name)) problems.push(`${file}: secret "${name}" is used by no TLS context`);
  return problems;
}

function collect(resources: Record<string, unknown>): EnvoyReferences {
  const clusters = asArray(resources['clusters']).map((cluster) => String(isObject(cluster) ? cluster['name'] : ''));
  const secrets = asArray(resources['secrets']).map((secret) => String(isObject(secret) ? secret['name'] : ''));
  const refs: EnvoyReferences = { clusters, secrets, routedClusters: new Set(), referencedSecrets: new Set() };
  const walk = (node: unknown, key: string): void => {
    if (Array.isArray(node)) {
      node.forEach((item) => walk(item, key));
      return;
    }
    if (!isObject(node)) return;
    if (key === 'route' && typeof node['cluster'] === 'string') refs.routedClusters.add(node['cluster']);
    if (key === 'request_mirror_policies' && typeof node['cluster'] === 'string') refs.routedClusters.add(node['cluster']);
    if (key === 'weighted_clusters')
      for (const weighted of asArray(node['clusters'])) if (isObject(weighted)) refs.routedClusters.add(String(weighted['name']));
    if ((key === 'tls_certificate_sds_secret_configs' || key === 'validation_context_sds_secret_config') && typeof node['name'] === 'string')
      refs.referencedSecrets.add(node['name']);
    for (const [child, value] of Object.entries(node)) walk(value, child);
  };
  walk(resources['listeners'], 'listeners');
  walk(resources['clusters'], 'clusters');
  return refs;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
