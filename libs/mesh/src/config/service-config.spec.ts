import { describe, expect, it } from 'vitest';
import { InvalidServiceConfig, loadServiceConfig } from './service-config';

describe('loadServiceConfig', () => {
  it('binds to loopback unless told otherwise', () => {
    expect(loadServiceConfig({ PORT: '8081' })).toEqual({ HOST: '127.0.0.1', PORT: 8081, MESH_NAMESPACE: 'meshmart' });
  });

  it('takes per-service defaults, which the environment overrides', () => {
    expect(loadServiceConfig({}, { PORT: '8083' }).PORT).toBe(8083);
    expect(loadServiceConfig({ PORT: '9000' }, { PORT: '8083' }).PORT).toBe(9000);
  });

  it('names every bad variable at once', () => {
    const attempt = () => loadServiceConfig({ PORT: '70000', MESH_NAMESPACE: 'Bad_NS' });
    expect(attempt).toThrow(InvalidServiceConfig);
    expect(attempt).toThrow(/PORT: .*MESH_NAMESPACE/);
  });

  it('treats an empty variable as unset', () => {
    expect(loadServiceConfig({ PORT: '1', HOST: '' }).HOST).toBe('127.0.0.1');
  });
});
