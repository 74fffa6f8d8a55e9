import { defineWorkload } from '@meshmart/contracts';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { deploymentOf, type PlatformModel } from '../platform/platform';
import { perWorkloadKustomization, stagingWorkloadsComponent } from '../kubernetes/kustomizations';
import { paymentService, repoPolicies } from '../traffic/repo-policies.fixture';
import { composeDatabasesSql, composeFileText, composePrometheusConfig } from './compose-generate';
import { composeInstances } from './compose-workloads';

const reviews = deploymentOf(defineWorkload({ name: 'review-service', port: 8095, upstreams: ['payment-service'], database: 'meshmart_review', replicas: 3 }));
const edge = deploymentOf(defineWorkload({ name: 'edge', port: 8080, edge: true, upstreams: ['review-service'] }));
const platform = { version: '0.1.0', workloads: [edge, paymentService, reviews], descriptors: [], sources: undefined } as unknown as PlatformModel;

describe('the compose deployment of the descriptors', () => {
  it("runs each workload's replicas under its name, the first building and migrating, and a canary per subset of another version", () => {
    const instances = composeInstances(platform.workloads, repoPolicies, '0.1.0').map(({ service, first, version, aliases }) => ({
      service,
      first,
      version,
      aliases,
    }));
    expect(instances).toEqual([
      { service: 'edge', first: true, version: undefined, aliases: [] },
      { service: 'payment-service-1', first: true, version: undefined, aliases: ['payment-service', 'payment-service-v1'] },
      { service: 'payment-service-2', first: false, version: undefined, aliases: ['payment-service', 'payment-service-v1'] },
      { service: 'payment-service-v2', first: false, version: '0.2.0', aliases: ['payment-service', 'payment-service-v2'] },
      { service: 'review-service-1', first: true, version: undefined, aliases: ['review-service'] },
      { service: 'review-service-2', first: false, version: undefined, aliases: ['review-service'] },
      { service: 'review-service-3', first: false, version: undefined, aliases: ['review-service'] },
    ]);
  });

  it('writes a compose file where a new workload starts after its upstreams and its data, behind its own sidecar', () => {
    const compose = parse(composeFileText(platform, repoPolicies), { merge: true }) as {
      services: Record<
        string,
        {
          depends_on?: Record<string, unknown>;
          environment?: Record<string, string>;
          extra_hosts?: string[];
          ports?: string[];
          network_mode?: string;
          command?: string[];
        }
      >;
    };
    expect(Object.keys(compose.services['review-service-1']?.depends_on ?? {}).sort()).toEqual(['jaeger', 'kafka', 'payment-service-1', 'postgres']);
    expect(Object.keys(compose.services['review-service-3']?.depends_on ?? {})).toEqual(['review-service-1']);
    expect(compose.services['review-service-2']?.environment).toMatchObject({ PORT: '8095', MESH_MODE: 'sidecar', KAFKA_BROKERS: 'kafka:9092' });
    expect(compose.services['review-service-1']?.extra_hosts).toEqual(['payment-service.sidecar:127.0.0.1']);
    expect(compose.services['review-service-3-envoy']).toMatchObject({
      network_mode: 'service:review-service-3',
      command: ['envoy', '-c', '/etc/envoy/envoy.yaml', '--service-cluster', 'review-service'],
    });
    // The edge publishes its sidecar's plaintext listener and keeps no data.
    expect(compose.services['edge']?.ports).toEqual(['127.0.0.1:8080:10000']);
    expect(compose.services['edge']?.environment?.['DATABASE_URL']).toBeUndefined();
    expect((compose.services['certs']?.command ?? []).at(-1)).toBe('edge,payment-service,review-service,operator');
    expect(Object.keys(compose.services['shopper']?.depends_on ?? {})).toEqual(['edge', 'payment-service-2', 'review-service-3']);
  });

  it("lists every workload in Prometheus' targets, the databases and the kustomizations", () => {
    expect(composePrometheusConfig(platform)).toContain('      - names: [edge, payment-service, review-service]\n');
    expect(composeDatabasesSql(platform)).toMatch(/\nCREATE DATABASE meshmart_payment;\nCREATE DATABASE meshmart_review;\n$/);
    expect(perWorkloadKustomization(platform.workloads)).toMatchObject({ resources: ['edge.yaml', 'payment-service.yaml', 'review-service.yaml'] });
    expect(stagingWorkloadsComponent(platform.workloads, '0.1.0')).toMatchObject({
      kind: 'Component',
      images: [
        { name: 'meshmart/edge', newName: 'registry.example.com/meshmart/edge', newTag: '0.1.0' },
        { name: 'meshmart/payment-service' },
        { name: 'meshmart/review-service' },
      ],
      replicas: [
        { name: 'edge', count: 2 },
        { name: 'payment-service', count: 2 },
        { name: 'review-service', count: 3 },
      ],
    });
  });
});
