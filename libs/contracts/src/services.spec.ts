import { describe, expect, it } from 'vitest';
import { isWorkload, workloads } from './services';

describe('workloads', () => {
  it('recognises each platform workload and nothing else', () => {
    for (const name of workloads) expect(isWorkload(name)).toBe(true);
    expect(isWorkload('inventory')).toBe(false);
    expect(isWorkload('')).toBe(false);
  });

  it('spells names as Kubernetes service accounts allow', () => {
    for (const name of workloads) expect(name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
  });
});
