import { NAMESPACE } from '../platform/platform';
import { podTemplateOf, selects } from './kubernetes-consistency';
import { describe, type KubeObject } from './kubernetes-render';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const list = (value: unknown): Json[] => (Array.isArray(value) ? value.filter(isObject) : []);
const specOf = (object: KubeObject): Json => (isObject(object['spec']) ? object['spec'] : {});
/** Whether some Deployment's pods carry every label of `selector`: a subset or Service with none has nothing to send to. */
function selectsPods(objects: readonly KubeObject[], selector: Record<string, string>): boolean {
  return objects.some((object) => object.kind === 'Deployment' && selects(selector, podTemplateOf(object).metadata?.labels));
}

/**
 * Istio: every subset a VirtualService routes or mirrors to is defined by the DestinationRule
 * of its host, and every subset selects the pods of some Deployment.
 */
export function istioSubsetProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  const rules = objects.filter((object) => object.kind === 'DestinationRule');
  const subsetsOf = (host: unknown) => list(specOf(rules.find((rule) => specOf(rule)['host'] === host) ?? ({} as KubeObject))['subsets']);
  for (const rule of rules) {
    const host = String(specOf(rule)['host']);
    const app = host.split('.')[0] ?? host;
    for (const subset of subsetsOf(host)) {
      const selector = { app, ...((isObject(subset['labels']) ? subset['labels'] : {}) as Record<string, string>) };
      if (!selectsPods(objects, selector))
        problems.push(`${describe(rule)}: subset ${String(subset['name'])} selects no Deployment's pods (${JSON.stringify(selector)})`);
    }
  }
  for (const service of objects.filter((object) => object.kind === 'VirtualService')) {
    list(specOf(service)['http']).forEach((route, index) => {
      const destinations = [...list(route['route']).map((target) => target['destination']), route['mirror']].filter(isObject);
      for (const destination of destinations) {
        const subset = destination['subset'];
        if (subset === undefined) continue;
        if (!subsetsOf(destination['host']).some((candidate) => candidate['name'] === subset))
          problems.push(
            `${describe(service)}: http[${index}] sends to subset ${String(subset)} of ${String(destination['host'])}, which no DestinationRule defines`,
          );
      }
    });
  }
  return problems;
}

const named = (objects: readonly KubeObject[], kind: string, name: unknown) =>
  objects.find((object) => object.kind === kind && object.metadata.name === name && (object.metadata.namespace ?? NAMESPACE) === NAMESPACE);

/**
 * The Linkerd variant's references resolve and it denies by default: HTTPRoutes' parents and
 * backends exist (each backend Service selecting pods), AuthorizationPolicies' targets and
 * authentications exist, every Server is authorized somewhere, the namespace's inbound policy
 * is `deny`, and every pod is injected by Linkerd, none by Istio.
 */
export function linkerdReferenceProblems(objects: readonly KubeObject[]): string[] {
  const problems: string[] = [];
  for (const route of objects.filter((object) => object.kind === 'HTTPRoute')) {
    for (const parent of list(specOf(route)['parentRefs']))
      if (!named(objects, String(parent['kind']), parent['name']))
        problems.push(`${describe(route)}: parent ${String(parent['kind'])} ${String(parent['name'])} does not exist`);
    list(specOf(route)['rules']).forEach((rule, index) => {
      const backends = list(rule['backendRefs']);
      for (const backend of backends) {
        const service = named(objects, 'Service', backend['name']);
        if (!service) problems.push(`${describe(route)}: rules[${index}] sends to Service ${String(backend['name'])}, which does not exist`);
        else if (!selectsPods(objects, (specOf(service)['selector'] ?? {}) as Record<string, string>))
          problems.push(`${describe(route)}: rules[${index}] sends to ${describe(service)}, which selects no Deployment's pods`);
      }
      if (backends.length > 0 && backends.reduce((sum, backend) => sum + (typeof backend['weight'] === 'number' ? backend['weight'] : 1), 0) === 0)
        problems.push(`${describe(route)}: rules[${index}] weighs every backend 0`);
    });
  }
  const policies = objects.filter((object) => object.kind === 'AuthorizationPolicy');
  for (const policy of policies) {
    const target = specOf(policy)['targetRef'];
    if (!isObject(target) || !named(objects, String(target['kind']), target['name'])) problems.push(`${describe(policy)}: its target does not exist`);
    for (const ref of list(specOf(policy)['requiredAuthenticationRefs']))
      if (!named(objects, String(ref['kind']), ref['name']))
        problems.push(`${describe(policy)}: authentication ${String(ref['kind'])} ${String(ref['name'])} does not exist`);
  }
  for (const server of objects.filter((object) => object.kind === 'Server')) {
    const routes = objects.filter(
      (object) =>
        object.kind === 'HTTPRoute' &&
        list(specOf(object)['parentRefs']).some((parent) => parent['kind'] === 'Server' && parent['name'] === server.metadata.name),
    );
    const authorized = policies.some((policy) => {
      const target = specOf(policy)['targetRef'];
      return (
        isObject(target) &&
        ((target['kind'] === 'Server' && target['name'] === server.metadata.name) ||
          routes.some((route) => target['kind'] === 'HTTPRoute' && target['name'] === route.metadata.name))
      );
    });
    if (!authorized) problems.push(`${describe(server)}: no AuthorizationPolicy admits anyone to it`);
  }
  const namespace = named(objects, 'Namespace', NAMESPACE) as (KubeObject & { metadata: { annotations?: Record<string, string> } }) | undefined;
  if (namespace?.metadata.annotations?.['config.linkerd.io/default-inbound-policy'] !== 'deny')
    problems.push(`Namespace ${NAMESPACE}: config.linkerd.io/default-inbound-policy is not deny`);
  if (namespace?.metadata.labels?.['istio-injection'] !== undefined) problems.push(`Namespace ${NAMESPACE} still asks Istio to inject (label istio-injection)`);
  for (const deployment of objects.filter((object) => object.kind === 'Deployment' && object.metadata.namespace === NAMESPACE)) {
    const template = specOf(deployment)['template'];
    const annotations = (
      isObject(template) && isObject(template['metadata']) && isObject(template['metadata']['annotations']) ? template['metadata']['annotations'] : {}
    ) as Record<string, string>;
    if (annotations['linkerd.io/inject'] !== 'enabled') problems.push(`${describe(deployment)}: pods lack linkerd.io/inject: enabled`);
    const istio = Object.keys(annotations).filter((key) => key.includes('istio.io/'));
    if (istio.length > 0) problems.push(`${describe(deployment)}: pods keep Istio's annotations ${istio.join(', ')}`);
  }
  return problems;
}
