import { describe, expect, it } from 'vitest';
import { EtcdInstanceTable, parseStoredInstance } from './etcd-instance-table';
import { type ServiceInstance } from './service-instance';

function instance(id: string, overrides: Partial<ServiceInstance> = {}): ServiceInstance {
  return { id, service: 'inventory-service', address: '10.0.0.1', port: 8443, zone: 'zone-a', version: '0.1.0', weight: 1, healthy: true, ...overrides };
}

function put(id: string, modRevision: number, overrides: Partial<ServiceInstance> = {}) {
  return { key: `p/inventory-service/${id}`, modRevision: String(modRevision), value: JSON.stringify(instance(id, overrides)) };
}

const ids = (table: EtcdInstanceTable) =>
  table
    .instances()
    .map((found) => found.id)
    .sort();

describe('parseStoredInstance', () => {
  it('reads an instance of the service', () => {
    expect(parseStoredInstance(JSON.stringify(instance('a')), 'inventory-service')).toEqual(instance('a'));
  });

  it('fills zone, version, weight and healthy when an older writer left them out', () => {
    const stored = { id: 'a', service: 'inventory-service', address: '10.0.0.1', port: 8443 };
    expect(parseStoredInstance(JSON.stringify(stored), 'inventory-service')).toEqual({
      ...stored,
      zone: 'local',
      version: 'unknown',
      weight: 1,
      healthy: true,
    });
  });

  it.each([
    ['not JSON', '{oops'],
    ['JSON null', 'null'],
    ['a port that is not a number', JSON.stringify({ ...instance('a'), port: '8443' })],
    ['no address', JSON.stringify({ ...instance('a'), address: '' })],
    ['another service', JSON.stringify(instance('a', { service: 'cart-service' }))],
  ])('skips %s', (_case, value) => {
    expect(parseStoredInstance(value, 'inventory-service')).toBeUndefined();
  });
});

describe('EtcdInstanceTable', () => {
  it('applies puts and deletes in revision order, ignoring stale ones', () => {
    const table = new EtcdInstanceTable('inventory-service');
    table.applyPut(put('a', 5, { weight: 5 }));
    table.applyPut(put('a', 4, { weight: 4 }));
    table.applyPut(put('b', 6));
    table.applyDelete('p/inventory-service/b', '3');
    expect(table.instances()).toEqual([instance('a', { weight: 5 }), instance('b')]);

    table.applyDelete('p/inventory-service/b', '7');
    expect(ids(table)).toEqual(['a']);
    expect(table.size).toBe(1); // no snapshot in flight: no tombstone kept
  });

  it('keeps a key that holds garbage out of the list, and lists it once it is fixed', () => {
    const table = new EtcdInstanceTable('inventory-service');
    table.applyPut({ key: 'p/inventory-service/a', modRevision: '2', value: 'garbage' });
    expect(table.instances()).toEqual([]);
    table.applyPut(put('a', 3));
    expect(ids(table)).toEqual(['a']);
  });

  it('replaces everything with a snapshot when no events raced it', () => {
    const table = new EtcdInstanceTable('inventory-service');
    table.applyPut(put('a', 2));
    table.applyPut(put('b', 3));
    table.beginSnapshot();
    table.applySnapshot('10', [put('b', 3), put('c', 9)]);
    expect(ids(table)).toEqual(['b', 'c']);
    expect(table.size).toBe(2);
  });

  it('does not let a snapshot older than a watched delete bring the instance back', () => {
    const table = new EtcdInstanceTable('inventory-service');
    table.applyPut(put('a', 2));
    table.beginSnapshot();
    table.applyDelete('p/inventory-service/a', '12'); // arrives while the read is on its way
    table.applySnapshot('11', [put('a', 2)]);
    expect(table.instances()).toEqual([]);
    expect(table.size).toBe(0); // the tombstone went with the last snapshot
  });

  it('does not let a snapshot older than a watched put undo it', () => {
    const table = new EtcdInstanceTable('inventory-service');
    table.beginSnapshot();
    table.applyPut(put('a', 12, { healthy: false }));
    table.applyPut(put('new', 13));
    table.applySnapshot('11', [put('a', 2)]);
    expect(table.instances()).toEqual([instance('a', { healthy: false }), instance('new')]);
  });

  it('lets a snapshot newer than the events win', () => {
    const table = new EtcdInstanceTable('inventory-service');
    table.applyPut(put('a', 2));
    table.applyPut(put('gone', 3));
    table.beginSnapshot();
    table.applySnapshot('20', [put('a', 15, { weight: 9 })]);
    expect(table.instances()).toEqual([instance('a', { weight: 9 })]);
  });

  it('keeps the newer of two overlapping snapshots, whichever answers first', () => {
    const table = new EtcdInstanceTable('inventory-service');
    table.applyPut(put('a', 2));
    table.beginSnapshot();
    table.beginSnapshot();
    table.applySnapshot('15', []); // a was deleted by 15
    table.applySnapshot('10', [put('a', 2)]); // the older read still had it
    expect(table.instances()).toEqual([]);
    expect(table.size).toBe(0);
  });

  it('forgets a failed snapshot', () => {
    const table = new EtcdInstanceTable('inventory-service');
    table.beginSnapshot();
    table.applyDelete('p/inventory-service/a', '5');
    expect(table.size).toBe(1);
    table.abandonSnapshot();
    expect(table.size).toBe(0);
  });
});
