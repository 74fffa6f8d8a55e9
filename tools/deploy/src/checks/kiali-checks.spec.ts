import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { kialiProblems } from './kiali-checks';
import type { KubeObject } from './kubernetes-render';

const monitoring = join(__dirname, '..', '..', '..', '..', 'k8s', 'monitoring');
const objectsOf = (file: string) => parseAllDocuments(readFileSync(join(monitoring, file), 'utf8')).map((document) => document.toJS() as KubeObject);
const committed = () => [...objectsOf('prometheus.yaml'), ...objectsOf('grafana.yaml'), ...objectsOf('kiali.yaml')];

function withKialiConfig(objects: KubeObject[], edit: (config: string) => string): KubeObject[] {
  return objects.map((object) =>
    object.kind === 'ConfigMap' && object.metadata.name === 'kiali'
      ? { ...object, data: { 'config.yaml': edit((object['data'] as Record<string, string>)['config.yaml'] ?? '') } }
      : object,
  );
}

describe('kialiProblems', () => {
  it('passes the committed k8s/monitoring', () => {
    expect(kialiProblems(committed())).toEqual([]);
  });

  it('names a Kiali that reads another Prometheus, or looks for Istio elsewhere', () => {
    const problems = kialiProblems(
      withKialiConfig(committed(), (config) =>
        config
          .replace('http://prometheus.meshmart-monitoring:9090', 'http://prometheus.monitoring:9090')
          .replace('istio_namespace: istio-system', 'istio_namespace: istio'),
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(/reads Prometheus at http:\/\/prometheus.monitoring:9090, not at the prometheus Service/),
      expect.stringMatching(/looks for Istio in istio/),
    ]);
  });

  it('refuses an anonymous Kiali that may change things, and a floating image', () => {
    const objects = withKialiConfig(committed(), (config) => config.replace('view_only_mode: true', 'view_only_mode: false')).map((object) => {
      if (object.kind === 'ClusterRole')
        return { ...object, rules: [{ apiGroups: ['networking.istio.io'], resources: ['*'], verbs: ['get', 'patch', 'delete'] }] };
      if (object.kind === 'Deployment' && object.metadata.name === 'kiali')
        return JSON.parse(JSON.stringify(object).replace(/quay\.io\/kiali\/kiali:v[0-9.]+/, 'quay.io/kiali/kiali:latest')) as KubeObject;
      return object;
    });
    expect(kialiProblems(objects)).toEqual([
      expect.stringMatching(/quay.io\/kiali\/kiali:latest is not pinned/),
      'Kiali lets anonymous users in without view_only_mode: true',
      'ClusterRole meshmart-kiali lets view-only Kiali patch, delete *',
    ]);
  });

  it('says so when there is no Kiali at all', () => {
    expect(kialiProblems(committed().filter((object) => object.metadata.name !== 'kiali'))).toEqual(['no Kiali Deployment in meshmart-monitoring']);
  });
});
