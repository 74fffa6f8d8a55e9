import type { KubeObject } from './kubernetes-render';
import { describe } from './kubernetes-render';

type Container = {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: unknown; configMapKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
};
type PodTemplate = { metadata?: { labels?: Record<string, string> }; spec: { containers: Container[] } };

export const podTemplateOf = (object: KubeObject) => (object['spec'] as { template: PodTemplate }).template;

/** A non-empty label selector that the labels satisfy. */
export const selects = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
  !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels?.[key] === value);

/** Every container port of a Deployment is the target of a Service that selects its pods. */
export function portProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  const services = objects.filter((object) => object.kind === 'Service');
  for (const deployment of objects.filter((object) => object.kind === 'Deployment')) {
    const template = podTemplateOf(deployment);
    const selecting = services.filter(
      (service) =>
        service.metadata.namespace === deployment.metadata.namespace &&
        selects((service['spec'] as { selector?: Record<string, string> }).selector, template.metadata?.labels),
    );
    for (const container of template.spec.containers) {
      for (const port of container.ports ?? []) {
        const targeted = selecting.some((service) =>
          ((service['spec'] as { ports?: { port: number; targetPort?: number | string }[] }).ports ?? []).some((servicePort) => {
            const target = servicePort.targetPort ?? servicePort.port;
            return target === port.containerPort || (port.name !== undefined && target === port.name);
          }),
        );
        if (!targeted)
          problems.push(`${describe(deployment)}: container port ${port.containerPort}${port.name ? ` ("${port.name}")` : ''} is targeted by no Service`);
      }
    }
  }
  return problems;
}

/**
 * Every AuthorizationPolicy principal is `*`, `<trust domain>/ns/<ns>/sa/<sa>` of a ServiceAccount
 * that exists, or one of `outside` (identities rendered elsewhere: the ingress gateway's).
 */
export function principalProblems(objects: readonly KubeObject[], trustDomain: string, outside: readonly string[] = []): string[] {
  const accounts = new Set(
    objects
      .filter((object) => object.kind === 'ServiceAccount')
      .map((account) => `${trustDomain}/ns/${account.metadata.namespace}/sa/${account.metadata.name}`),
  );
  const problems: string[] = [];
  for (const policy of objects.filter((object) => object.kind === 'AuthorizationPolicy')) {
    const rules = (policy['spec'] as { rules?: { from?: { source: { principals?: string[] } }[] }[] }).rules ?? [];
    const principals = new Set(rules.flatMap((rule) => (rule.from ?? []).flatMap(({ source }) => source.principals ?? [])));
    for (const principal of principals)
      if (principal !== '*' && !accounts.has(principal) && !outside.includes(principal))
        problems.push(`${describe(policy)}: principal ${principal} names no ServiceAccount`);
  }
  return problems;
}

/** A container's environment as Kubernetes gives it: ConfigMap values resolved, Secret values opaque. */
export function containerEnv(
  objects: readonly KubeObject[],
  namespace: string | undefined,
  container: Container,
): { env: Record<string, string>; opaque: Set<string>; problems: string[] } {
  const configMap = (name: string) =>
    objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === name && object.metadata.namespace === namespace) as
      (KubeObject & { data?: Record<string, string> }) | undefined;
  const env: Record<string, string> = {};
  const opaque = new Set<string>();
  const problems: string[] = [];
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) {
      const map = configMap(source.configMapRef.name);
      if (!map) problems.push(`container ${container.name} reads ConfigMap ${source.configMapRef.name}, which is not rendered`);
      Object.assign(env, map?.data ?? {});
    }
  }
  for (const variable of container.env ?? []) {
    if (variable.valueFrom?.secretKeyRef) opaque.add(variable.name);
    else if (variable.valueFrom?.configMapKeyRef)
      env[variable.name] = configMap(variable.valueFrom.configMapKeyRef.name)?.data?.[variable.valueFrom.configMapKeyRef.key] ?? '';
    else env[variable.name] = variable.value ?? '';
  }
  return { env, opaque, problems };
}
