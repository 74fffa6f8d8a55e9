import { describe, expect, it } from 'vitest';
import type { ServiceInstance } from '../discovery/service-instance';
import { hasLabels, parseLabelList, selectSubset } from './instance-labels';

const base: ServiceInstance = { id: 'i', service: 's', address: '127.0.0.1', port: 1, zone: 'eu-1a', version: '0.2.0', weight: 1, healthy: true };

describe('subset labels', () => {
  it('counts version and zone as labels, beside the registered ones', () => {
    const instance = { ...base, labels: { tier: 'gold' } };
    expect(hasLabels(instance, { version: '0.2.0', zone: 'eu-1a', tier: 'gold' })).toBe(true);
    expect(hasLabels(instance, { version: '0.1.0' })).toBe(false);
    expect(hasLabels(instance, { tier: 'silver' })).toBe(false);
    expect(hasLabels(base, { tier: 'gold' })).toBe(false);
    expect(hasLabels(base, {})).toBe(true);
  });

  it('version and zone cannot be overridden by a registered label of that name', () => {
    expect(hasLabels({ ...base, labels: { version: '9' } }, { version: '0.2.0' })).toBe(true);
  });

  it('selects a subset, or everything without a selector', () => {
    const other = { ...base, id: 'j', version: '0.1.0' };
    expect(selectSubset([base, other], { version: '0.1.0' })).toEqual([other]);
    expect(selectSubset([base, other], undefined)).toEqual([base, other]);
  });
});

describe('parseLabelList (MESH_LABELS)', () => {
  it('reads k=v pairs', () => {
    expect(parseLabelList('tier=gold, team=payments,')).toEqual({ tier: 'gold', team: 'payments' });
    expect(parseLabelList('')).toEqual({});
  });

  it('names the pair it cannot read', () => {
    expect(() => parseLabelList('tier=gold,broken')).toThrow('"broken" is not a label: write key=value');
    expect(() => parseLabelList('=x')).toThrow('"=x"');
  });
});
