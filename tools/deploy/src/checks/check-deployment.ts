import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toIstioAuthorizationPolicy, type TrafficPolicy } from '@meshmart/mesh/tools';
import { stackImages } from '@meshmart/platform';
import { isDeepStrictEqual } from 'node:util';
import { edgePolicyOf } from '../authz/edge-policy';
import { enforcedPolicy } from '../authz/enforced-policy';
import { bindMounts, readComposeFile } from '../compose/compose-file';
import { envoyBootstrapProblems } from '../envoy-schema/envoy-config';
import { generatedFiles, staleGeneratedFiles } from '../generate';
import { InvalidTrafficPolicyFile, loadTrafficPolicies, TRAFFIC_POLICY_DIR } from '../traffic/traffic-policies';
import { imageOf, ISTIO_TRUST_DOMAIN, loadPlatform, NAMESPACE, type PlatformModel } from '../platform/platform';
import { composeAppProblems, composeSchemaProblems } from './compose-checks';
import { composeDenyByDefaultProblems } from './compose-deny-by-default';
import { composeSubsetProblems } from './compose-subsets';
import { agentReachabilityProblems, denyByDefaultProblems, ingressPrincipalOf } from './deny-by-default';
import { envProblems, envSchemasOf } from './env-schemas';
import { envoyProblems } from './envoy-references';
import { destinationRuleProblems } from './istio-envoy-clusters';
import { kialiProblems } from './kiali-checks';
import { containerEnv, podTemplateOf, portProblems, principalProblems } from './kubernetes-consistency';
import { describe, type KubeObject, renderKustomization, renderOverlays, schemaProblems } from './kubernetes-render';
import { istioSubsetProblems, linkerdReferenceProblems } from './traffic-references';
import { promtoolCheck } from './promtool';
import { composeClusters, trafficParityProblems } from './traffic-policy-parity';
import { missingTool, runTool } from './tools';

/** The Linkerd variant of the Kubernetes deployment (a kustomization beside the Istio overlays). */
const LINKERD_VARIANT = 'k8s/linkerd';

export interface CheckOptions {
  /** Where the deployment files are (the workspace, or a copy with a fault in it). */
  root: string;
  /** Where the apps and libs are read from. */
  workspaceRoot: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

export interface CheckReport {
  checks: string[];
  problems: string[];
}

/** Runs every check of docker-compose.yml, infra/envoy and k8s; each problem is one precise line. */
export async function checkDeployment(options: CheckOptions): Promise<CheckReport> {
  const { root } = options;
  const env = options.env ?? process.env;
  const log = options.log ?? (() => undefined);
  const report: CheckReport = { checks: [], problems: [] };
  const step = async (name: string, run: () => Promise<string[]> | string[]) => {
    const problems = await run();
    report.checks.push(name);
    report.problems.push(...problems);
    log(`${problems.length === 0 ? '✓' : '✗'} ${name}`);
  };
  const platform = await loadPlatform(options.workspaceRoot);
  let traffic: ReadonlyMap<string, TrafficPolicy> = new Map();
  try {
    traffic = loadTrafficPolicies(
      options.workspaceRoot,
      platform.workloads.map((workload) => workload.name),
    );
  } catch (error) {
    // Nothing is rendered from a refused policy: report it and stop, as generate does.
    await step(`${TRAFFIC_POLICY_DIR}/*.yaml validate as traffic policies`, () => [error instanceof InvalidTrafficPolicyFile ? error.message : String(error)]);
    return report;
  }
  await step(`${TRAFFIC_POLICY_DIR}/*.yaml validate as traffic policies (${[...traffic.keys()].join(', ') || 'none'})`, () => []);

  await step('generated files are up to date', async () => staleGeneratedFiles(root, await generatedFiles(options.workspaceRoot, platform)));

  await step('Envoy configs parse and define every cluster and secret they use', () =>
    platform.workloads.flatMap((workload) => {
      const file = `infra/envoy/${workload.name}.yaml`;
      return existsSync(join(root, file)) ? envoyProblems(file, readFileSync(join(root, file), 'utf8')) : [`${file} is missing`];
    }),
  );
  await step("Envoy configs validate strictly against Envoy's v3 API (its protos and their validation rules)", () =>
    platform.workloads.flatMap((workload) => {
      const file = `infra/envoy/${workload.name}.yaml`;
      return existsSync(join(root, file)) ? envoyBootstrapProblems(file, readFileSync(join(root, file), 'utf8')) : [];
    }),
  );

  const compose = readComposeFile(root);
  await step('docker-compose.yml validates against the Compose Specification', () => composeSchemaProblems(compose));
  await step('docker compose config accepts docker-compose.yml, or is skipped where Docker Compose is not installed', () => {
    const version = runTool('docker', ['compose', 'version']);
    if (!version?.ok) {
      log('  (docker compose is not installed here: the schema check above stands in)');
      return [];
    }
    const run = runTool('docker', ['compose', '--file', join(root, 'docker-compose.yml'), 'config', '--quiet'], root);
    return run?.ok ? [] : [`docker compose config refuses docker-compose.yml: ${run?.output ?? ''}`];
  });
  await step('compose services match the apps (env, image, ports, names, sidecars)', () => composeAppProblems(compose, platform));
  await step("compose: each traffic policy subset's alias is answered by exactly the instances with its labels", () =>
    composeSubsetProblems(compose, traffic, platform.version),
  );
  await step("compose denies by default: apps reached only through their sidecars, the edge's sidecar admits its public listener only", () =>
    composeDenyByDefaultProblems(root, compose, platform),
  );
  await step('promtool accepts the compose Prometheus config', () => {
    const prometheus = compose.services['prometheus'];
    if (!prometheus) return ['docker-compose.yml has no prometheus service'];
    const files = bindMounts(prometheus).map(([source, target]) => ({ source: join(root, source), target }));
    return promtool(files, '/etc/prometheus/prometheus.yml', 'docker-compose.yml prometheus', env, log);
  });

  const rendered = renderOverlays(root);
  if (!rendered) {
    const missing = missingTool('kubectl', 'kubectl with kustomize, e.g. the kubectl package of the Kubernetes apt repository', env);
    if (missing.problem) report.problems.push(missing.problem);
    if (missing.note) log(missing.note);
  }
  for (const overlay of rendered ?? []) {
    const where = `k8s/overlays/${overlay.overlay}`;
    if ('error' in overlay) {
      await step(`kubectl kustomize renders ${where}`, () => [`kubectl kustomize ${where} failed: ${overlay.error}`]);
      continue;
    }
    const objects = overlay.objects;
    await step(`kubectl kustomize renders ${where}`, () => (objects.length === 0 ? [`${where} renders nothing`] : []));
    await step(`${where}: every object validates against the Kubernetes and Istio schemas`, async () =>
      (await Promise.all(objects.map(schemaProblems))).flat(),
    );
    await step(`${where}: DestinationRules validate as the Envoy clusters Istio makes of them`, () => destinationRuleProblems(objects));
    await step(`${where}: every subset a VirtualService sends or mirrors to is defined and selects pods`, () => istioSubsetProblems(objects));
    await step(`${where}: DestinationRules mean to Envoy what the compose sidecars' clusters do`, () =>
      trafficParityProblems(
        objects,
        composeClusters(
          root,
          platform.workloads.map((workload) => workload.name),
        ),
      ),
    );
    await step(`${where}: every Deployment port is targeted by a Service`, () => portProblems(objects));
    await step(`${where}: every AuthorizationPolicy principal is a ServiceAccount or the ingress gateway`, () =>
      principalProblems(objects, ISTIO_TRUST_DOMAIN, [ingressPrincipalOf(objects, NAMESPACE)]),
    );
    await step(`${where}: namespace ${NAMESPACE} denies by default (allow-nothing, an ALLOW policy per Deployment, no allow-all rule)`, () =>
      denyByDefaultProblems(objects, NAMESPACE),
    );
    await step(`${where}: probes and Prometheus reach the pods through Istio's agent, not the sidecar`, () => agentReachabilityProblems(objects, NAMESPACE));
    await step(`${where}: AuthorizationPolicies equal what the library enforces`, () => policyProblems(objects, platform));
    await step(`${where}: workloads' environment passes the apps' schemas, images are this version`, () => workloadEnvProblems(objects, platform));
    await step(`${where}: promtool accepts the Prometheus config`, () => {
      const deployment = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'prometheus');
      if (!deployment) return [`${where} renders no prometheus Deployment`];
      return promtool(mountedConfigMaps(objects, deployment), '/etc/prometheus/prometheus.yml', `${where} prometheus`, env, log);
    });
    await step(`${where}: monitoring images equal compose's`, () => imageProblems(objects, compose.services));
    await step(`${where}: Kiali reads this Prometheus and Istio, view-only, its image pinned`, () => kialiProblems(objects));
  }
  const linkerd = rendered ? renderKustomization(root, LINKERD_VARIANT) : undefined;
  if (linkerd && 'error' in linkerd)
    await step(`kubectl kustomize renders ${LINKERD_VARIANT}`, () => [`kubectl kustomize ${LINKERD_VARIANT} failed: ${linkerd.error}`]);
  else if (linkerd) {
    const objects = linkerd.objects;
    await step(`kubectl kustomize renders ${LINKERD_VARIANT}`, () => (objects.length === 0 ? [`${LINKERD_VARIANT} renders nothing`] : []));
    await step(`${LINKERD_VARIANT}: every object validates (Kubernetes and Gateway API schemas, Linkerd's policy fields)`, async () =>
      (await Promise.all(objects.map(schemaProblems))).flat(),
    );
    await step(`${LINKERD_VARIANT}: routes, backends and authorizations resolve; deny by default, every pod injected by Linkerd`, () =>
      linkerdReferenceProblems(objects),
    );
  }
  await step("compose infrastructure images equal the test stack's", () =>
    Object.entries(stackImages).flatMap(([name, image]) =>
      compose.services[name]?.image === image
        ? []
        : [`docker-compose.yml: ${name} runs ${compose.services[name]?.image ?? 'nothing'}, the local and test stacks ${image}`],
    ),
  );
  return report;
}

function promtool(
  files: { source?: string; content?: string; target: string }[],
  config: string,
  what: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): string[] {
  const run = promtoolCheck(files, config);
  if (!run) {
    const missing = missingTool('promtool', 'apt-get install prometheus', env);
    if (missing.note) log(missing.note);
    return missing.problem ? [missing.problem] : [];
  }
  return run.ok ? [] : [`promtool check config refuses ${what}: ${run.output}`];
}

/** The files a Deployment's ConfigMap volumes put in its container, for promtool. */
function mountedConfigMaps(objects: readonly KubeObject[], deployment: KubeObject) {
  const spec = (
    deployment['spec'] as {
      template: {
        spec: { volumes?: { name: string; configMap?: { name: string } }[]; containers: { volumeMounts?: { name: string; mountPath: string }[] }[] };
      };
    }
  ).template.spec;
  return spec.containers
    .flatMap((container) => container.volumeMounts ?? [])
    .flatMap((mount) => {
      const mapName = spec.volumes?.find((volume) => volume.name === mount.name)?.configMap?.name;
      const map = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === mapName) as { data?: Record<string, string> } | undefined;
      return Object.entries(map?.data ?? {}).map(([key, content]) => ({ target: `${mount.mountPath}/${key}`, content }));
    });
}

async function policyProblems(objects: readonly KubeObject[], platform: PlatformModel): Promise<string[]> {
  const problems: string[] = [];
  const policies = objects.filter((object) => object.kind === 'AuthorizationPolicy' && object.metadata.namespace === NAMESPACE);
  for (const workload of platform.workloads) {
    const deployed = policies.find((policy) => policy.metadata.name === workload.name);
    if (workload.edge) {
      const expected = await edgePolicyOf(platform, workload.name, ingressPrincipalOf(objects, NAMESPACE));
      if (!deployed) problems.push(`no AuthorizationPolicy ${NAMESPACE}/${workload.name}: the public edge admits the ingress gateway on its public routes`);
      else if (!isDeepStrictEqual(deployed['spec'], expected.spec))
        problems.push(
          `${describe(deployed)} differs from the edge's policy: the ingress gateway (${ingressPrincipalOf(objects, NAMESPACE)}), and only it, on ${workload.name}'s public routes`,
        );
      continue;
    }
    const expected = toIstioAuthorizationPolicy(
      await enforcedPolicy(platform.sources, workload.name, { trustDomain: ISTIO_TRUST_DOMAIN, namespace: NAMESPACE }),
      NAMESPACE,
    );
    if (!deployed) problems.push(`no AuthorizationPolicy ${NAMESPACE}/${workload.name}: the library enforces one`);
    else if (!isDeepStrictEqual(deployed['spec'], expected.spec))
      problems.push(`${describe(deployed)} differs from the policy ${workload.name}'s library enforces (its routes' @AllowFrom)`);
  }
  return problems;
}

async function workloadEnvProblems(objects: readonly KubeObject[], platform: PlatformModel): Promise<string[]> {
  const problems: string[] = [];
  for (const workload of platform.workloads) {
    if (!objects.some((object) => object.kind === 'Deployment' && object.metadata.name === workload.name && object.metadata.namespace === NAMESPACE))
      problems.push(`no Deployment ${NAMESPACE}/${workload.name}`);
    // The workload's own Deployment and its subsets' (payment-service-v2): every one runs the app.
    for (const deployment of objects.filter(
      (object) => object.kind === 'Deployment' && object.metadata.labels?.['app'] === workload.name && object.metadata.namespace === NAMESPACE,
    )) {
      const template = podTemplateOf(deployment);
      const container = template.spec.containers.find((candidate) => candidate.name === workload.name);
      if (!container) {
        problems.push(`${describe(deployment)} has no container named ${workload.name}`);
        continue;
      }
      const { env, opaque, problems: refs } = containerEnv(objects, NAMESPACE, container);
      problems.push(...refs.map((problem) => `${describe(deployment)}: ${problem}`));
      problems.push(...envProblems(describe(deployment), workload.name, env, await envSchemasOf(platform, workload), opaque));
      if (env['PORT'] !== String(workload.port) || !container.ports?.some((port) => port.containerPort === workload.port))
        problems.push(`${describe(deployment)}: PORT ${env['PORT'] ?? 'unset'} and its container ports must both be ${workload.port}`);
      const tag = container.image?.split(':').pop();
      if (tag !== platform.version)
        problems.push(
          `${describe(deployment)} runs ${container.image ?? 'no image'}: tag ${tag ?? 'none'} is not the platform's version ${platform.version} (${imageOf(workload.name, platform.version)})`,
        );
      // Subsets select pods by `version`; the instance registers MESH_VERSION: the two must be one.
      const podVersion = template.metadata?.labels?.['version'];
      if (podVersion !== env['MESH_VERSION'])
        problems.push(`${describe(deployment)}: pods are labelled version ${podVersion ?? 'none'} but register MESH_VERSION ${env['MESH_VERSION'] ?? 'unset'}`);
    }
  }
  return problems;
}

function imageProblems(objects: readonly KubeObject[], services: Record<string, { image?: string }>): string[] {
  return ['prometheus', 'grafana'].flatMap((name) => {
    const deployment = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === name);
    const image = deployment ? podTemplateOf(deployment).spec.containers[0]?.image : undefined;
    return image === services[name]?.image ? [] : [`${name} runs ${image ?? 'nothing'} in Kubernetes and ${services[name]?.image ?? 'nothing'} in compose`];
  });
}
