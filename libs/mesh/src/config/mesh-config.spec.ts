import { describe, expect, it } from 'vitest';
import { InvalidMeshConfig, loadMeshConfig } from './mesh-config';

const sidecar = (url?: string) => loadMeshConfig({ MESH_MODE: 'sidecar', PORT: '0', ...(url === undefined ? {} : { MESH_SIDECAR_URL: url }) });

describe('MESH_SIDECAR_URL', () => {
  it('defaults to the upstream’s own name, as a Kubernetes Service', () => {
    expect(sidecar().MESH_SIDECAR_URL).toBe('http://{service}:8080');
  });

  it('takes `{service}` anywhere in the host, or a fixed address for every upstream', () => {
    expect(sidecar('http://{service}.mesh.internal:15001').MESH_SIDECAR_URL).toBe('http://{service}.mesh.internal:15001');
    expect(sidecar('http://127.0.0.1:15001').MESH_SIDECAR_URL).toBe('http://127.0.0.1:15001');
    expect(sidecar('http://127.0.0.1:15001/').MESH_SIDECAR_URL).toBe('http://127.0.0.1:15001/');
  });

  it.each([
    ['https: the library speaks plain HTTP to its sidecar', 'https://{service}:8443'],
    ['a path: the call’s own path would replace it', 'http://127.0.0.1:15001/{service}'],
    ['a query', 'http://{service}:8080/?via=sidecar'],
    ['credentials', 'http://user:secret@{service}:8080'],
    ['not a URL', '{service}:8080'],
  ])('refuses %s', (_, url) => {
    expect(() => sidecar(url)).toThrow(InvalidMeshConfig);
    expect(() => sidecar(url)).toThrow(/MESH_SIDECAR_URL: must be an http:\/\/ origin/);
  });

  it('needs neither etcd nor certificates in sidecar mode', () => {
    const config = sidecar();
    expect(config.MESH_MODE).toBe('sidecar');
    expect(config.ETCD_ENDPOINTS).toBeUndefined();
    expect(config.MESH_CERT_DIR).toBeUndefined();
  });
});

describe('loadMeshConfig', () => {
  const sidecar = { MESH_MODE: 'sidecar' };

  it('binds to loopback unless told otherwise', () => {
    const config = loadMeshConfig({ ...sidecar, PORT: '8081' });
    expect([config.HOST, config.PORT, config.MESH_NAMESPACE]).toEqual(['127.0.0.1', 8081, 'meshmart']);
  });

  it('takes per-service defaults, which the environment overrides', () => {
    expect(loadMeshConfig(sidecar, { PORT: '8083' }).PORT).toBe(8083);
    expect(loadMeshConfig({ ...sidecar, PORT: '9000' }, { PORT: '8083' }).PORT).toBe(9000);
  });

  it('names every bad variable at once', () => {
    const attempt = () => loadMeshConfig({ ...sidecar, PORT: '70000', MESH_NAMESPACE: 'Bad_NS' });
    expect(attempt).toThrow(InvalidMeshConfig);
    expect(attempt).toThrow(/PORT: .*MESH_NAMESPACE/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadMeshConfig({ ...sidecar, PORT: '1', HOST: '' }).HOST).toBe('127.0.0.1');
  });
});

describe('MESH_LABELS', () => {
  const labelled = (labels?: string) => loadMeshConfig({ MESH_MODE: 'sidecar', PORT: '0', ...(labels === undefined ? {} : { MESH_LABELS: labels }) });

  it('reads k=v pairs for traffic subsets, none by default', () => {
    expect(labelled().MESH_LABELS).toEqual({});
    expect(labelled('tier=gold,track=canary').MESH_LABELS).toEqual({ tier: 'gold', track: 'canary' });
  });

  it('names the variable and the pair it cannot read', () => {
    expect(() => labelled('tier=gold,canary')).toThrow(/MESH_LABELS: "canary" is not a label: write key=value/);
  });
});
