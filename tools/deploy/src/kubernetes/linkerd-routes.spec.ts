import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { type KubeObject, schemaProblems } from '../checks/kubernetes-render';
import { inventoryService, paymentPolicyOf, paymentService, repoPolicy } from '../traffic/repo-policies.fixture';
import { linkerdTrafficManifests, linkerdUnsupported } from './linkerd-routes';

type Route = KubeObject & {
  metadata: { annotations: Record<string, string> };
  spec: { rules: { matches: Record<string, unknown>[]; backendRefs: { name: string; weight?: number }[] }[] };
};

// Loading the Gateway API and Kubernetes models is a one-time cost of seconds on a busy machine: paid here, with room, not inside a test's budget.
beforeAll(async () => {
  await schemaProblems({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'warm', namespace: 'meshmart' }, spec: {} });
  await schemaProblems({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'warm', namespace: 'meshmart' }, spec: {} });
}, 60_000);

describe('a traffic policy as Gateway API HTTPRoutes for Linkerd', () => {
  it('pins the rendering of infra/traffic/payment-service.yaml and inventory-service.yaml', async () => {
    await expect(
      stringify(linkerdTrafficManifests(paymentService, repoPolicy('payment-service'), 'payment-service.yaml'), { lineWidth: 0, aliasDuplicateObjects: false }),
    ).toMatchFileSnapshot('./__golden__/payment-service.linkerd.yaml');
    await expect(
      stringify(linkerdTrafficManifests(inventoryService, repoPolicy('inventory-service'), 'inventory-service.yaml'), {
        lineWidth: 0,
        aliasDuplicateObjects: false,
      }),
    ).toMatchFileSnapshot('./__golden__/inventory-service.linkerd.yaml');
  });

  it('validates against the Gateway API schemas', async () => {
    const objects = linkerdTrafficManifests(paymentService, repoPolicy('payment-service'), 'payment-service.yaml') as KubeObject[];
    expect((await Promise.all(objects.map(schemaProblems))).flat()).toEqual([]);
  });

  it('weighs one Service per subset exactly as the policy does, each Service selecting the subset labels', () => {
    const objects = linkerdTrafficManifests(
      paymentService,
      paymentPolicyOf({
        http: [
          {
            route: [
              { destination: { subset: 'v1' }, weight: 90 },
              { destination: { subset: 'v2' }, weight: 10 },
            ],
          },
        ],
      }),
      'p.yaml',
    ) as Route[];
    const services = objects.filter((object) => object.kind === 'Service');
    expect(services.map((service) => [service.metadata.name, (service['spec'] as unknown as { selector: object }).selector])).toEqual([
      ['payment-service-v1', { app: 'payment-service', version: '0.1.0' }],
      ['payment-service-v2', { app: 'payment-service', version: '0.2.0' }],
    ]);
    const routes = objects.filter((object) => object.kind === 'HTTPRoute');
    expect(routes.map((route) => route.metadata.name)).toEqual([
      'payment-service-route-0-idempotent-method',
      'payment-service-route-0-idempotency-key',
      'payment-service-route-0-other',
    ]);
    for (const route of routes)
      expect(route.spec.rules[0]?.backendRefs).toEqual([
        { name: 'payment-service-v1', port: 8080, weight: 90 },
        { name: 'payment-service-v2', port: 8080, weight: 10 },
      ]);
    // Linkerd retries 5xx only on the idempotent classes, as the library.
    expect(routes.map((route) => route.metadata.annotations['retry.linkerd.io/http'])).toEqual(['5xx', '5xx', undefined]);
  });

  it('refuses a method regex Gateway API cannot match, naming the file and field', () => {
    expect(() =>
      linkerdTrafficManifests(
        paymentService,
        paymentPolicyOf({ http: [{ match: [{ method: { regex: 'GET|HEAD' } }], route: [{ destination: {} }] }, { route: [{ destination: {} }] }] }),
        'infra/traffic/payment-service.yaml',
      ),
    ).toThrow('infra/traffic/payment-service.yaml: spec.http[0].match[0].method: Gateway API matches one exact method');
  });

  it('says what Linkerd cannot render: zone failover, faults and mirrors', () => {
    expect(
      linkerdUnsupported(
        paymentPolicyOf({
          trafficPolicy: { locality: {} },
          http: [{ route: [{ destination: {} }], fault: { abort: { httpStatus: 503, percentage: { value: 1 } } }, mirror: { subset: 'v2' } }],
        }),
        'p.yaml',
      ),
    ).toEqual([
      'p.yaml: spec.trafficPolicy.locality: Linkerd balances by latency (EWMA), with no zone priorities; the Linkerd variant leaves it out',
      'p.yaml: spec.http[0].fault: Linkerd injects no faults; the Linkerd variant leaves it out',
      'p.yaml: spec.http[0].mirror: Linkerd mirrors nothing; the Linkerd variant leaves it out',
    ]);
  });
});
