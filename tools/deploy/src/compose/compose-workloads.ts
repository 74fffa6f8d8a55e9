import type { TrafficPolicy } from '@meshmart/mesh/tools';
import { COMPOSE_ZONE } from '../envoy/envoy-bootstrap';
import { routedSubsets } from '../envoy/envoy-traffic-routes';
import { envoyPorts, imageOf, SIDECAR_HOST_SUFFIX, type WorkloadDeployment } from '../platform/platform';
import { subsetHostName } from '../traffic/policy-units';

/** One compose service that runs a workload's app, with its Envoy sidecar beside it. */
export interface ComposeInstance {
  service: string;
  workload: WorkloadDeployment;
  /** The instance that builds the image and migrates the database first; the others wait for it. */
  first: boolean;
  /** Set for a subset's instance of another version (the canary). */
  version?: string;
  /** The names it answers on the compose network besides its own: its workload's and its subsets'. */
  aliases: string[];
}

/**
 * The app instances compose runs: `replicas` of each workload (`<name>`, or `<name>-1`…`-n`),
 * plus one instance per traffic-policy subset of another version (`payment-service-v2`, as the
 * Kubernetes subset Deployments). Each answers its workload's name and the alias
 * `<workload>-<subset>` of every routed subset whose labels it carries.
 */
export function composeInstances(workloads: readonly WorkloadDeployment[], traffic: ReadonlyMap<string, TrafficPolicy>, version: string): ComposeInstance[] {
  return workloads.flatMap((workload) => {
    const policy = traffic.get(workload.name);
    const routed = routedSubsets(policy);
    const subsets = (policy?.spec.subsets ?? []).filter((subset) => routed.includes(subset.name));
    const aliasesOf = (labels: Record<string, string>) =>
      subsets
        .filter((subset) => Object.entries(subset.labels).every(([label, value]) => labels[label] === value))
        .map((subset) => subsetHostName(workload.name, subset.name));
    const own = { version, zone: COMPOSE_ZONE };
    const replicas: ComposeInstance[] = Array.from({ length: workload.replicas }, (_, index) => ({
      service: workload.replicas === 1 ? workload.name : `${workload.name}-${index + 1}`,
      workload,
      first: index === 0,
      aliases: [...(workload.replicas === 1 ? [] : [workload.name]), ...aliasesOf(own)],
    }));
    const canaries = (policy?.spec.subsets ?? []).flatMap((subset): ComposeInstance[] => {
      const subsetVersion = subset.labels['version'];
      if (subsetVersion === undefined || subsetVersion === version) return [];
      const service = subsetHostName(workload.name, subset.name);
      return [{ service, workload, first: false, version: subsetVersion, aliases: [workload.name, ...aliasesOf({ ...own, version: subsetVersion })] }];
    });
    return [...replicas, ...canaries];
  });
}

const quoted = (values: readonly string[]) => `[${values.map((value) => `"${value}"`).join(', ')}]`;

/** The YAML of one instance and its sidecar, under `services:`. */
export function composeInstanceYaml(instance: ComposeInstance, instances: readonly ComposeInstance[], version: string): string {
  const { workload } = instance;
  const firstOf = (name: string) => instances.find((candidate) => candidate.workload.name === name && candidate.first)?.service ?? name;
  const lines = [`  ${instance.service}:`, '    <<: *app'];
  if (instance.first) lines.push(`    build: { context: ., args: { APP: ${workload.name} } }`);
  lines.push(
    `    image: ${imageOf(workload.name, version)}`,
    '    environment:',
    `      <<: ${workload.persistence ? '[*mesh-env, *data-env]' : '*mesh-env'}`,
    `      PORT: "${workload.port}"`,
  );
  if (instance.version) lines.push(`      MESH_VERSION: ${instance.version}`);
  if (workload.edge) {
    lines.push(
      '      GATEWAY_JWT_SECRET: ${GATEWAY_JWT_SECRET:-meshmart-compose-demo-key-0123456789abcdef}',
      "      # The sidecar's edge listener appends the client's address to X-Forwarded-For: the per-address limit reads it.",
      '      GATEWAY_TRUSTED_PROXY_HOPS: "1"',
    );
  }
  if (workload.upstreams.length > 0)
    lines.push(`    extra_hosts: ${quoted(workload.upstreams.map((upstream) => `${upstream}.${SIDECAR_HOST_SUFFIX}:127.0.0.1`))}`);
  if (instance.aliases.length > 0) lines.push(`    networks: { default: { aliases: [${instance.aliases.join(', ')}] } }`);
  if (workload.edge && instance.first)
    lines.push(
      `    # The public edge: the sidecar listens on ${envoyPorts.edge} (plaintext) in this network namespace.`,
      `    ports: ["127.0.0.1:${workload.port}:${envoyPorts.edge}"]`,
    );
  lines.push('    depends_on:');
  if (instance.first) {
    lines.push(workload.persistence ? '      <<: *data-depends' : '      jaeger: { condition: service_started }');
    for (const upstream of workload.upstreams) lines.push(`      ${firstOf(upstream)}: { condition: service_healthy }`);
  } else {
    lines.push(`      ${firstOf(workload.name)}: { condition: service_healthy }`);
  }
  lines.push(
    `  ${instance.service}-envoy:`,
    '    <<: *envoy',
    `    network_mode: service:${instance.service}`,
    `    command: ["envoy", "-c", "/etc/envoy/envoy.yaml", "--service-cluster", "${workload.name}"]`,
    `    volumes: ["./infra/envoy/${workload.name}.yaml:/etc/envoy/envoy.yaml:ro", "certs:/etc/meshmart/certs:ro"]`,
    '    depends_on:',
    '      certs: { condition: service_completed_successfully }',
  );
  return lines.join('\n');
}
