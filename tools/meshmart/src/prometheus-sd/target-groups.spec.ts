import { describe, expect, it } from 'vitest';
import { targetGroupsOf } from './target-groups';

const instance = (port: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ id: 'x', service: 'inventory-service', address: '127.0.0.1', port, zone: 'local', version: '0.1.0', weight: 1, healthy: true, ...extra });

describe('targetGroupsOf', () => {
  it('makes one labelled https target per registered instance, across namespaces, sorted', () => {
    const groups = targetGroupsOf({
      'meshmart/shop/services/payment-service/payment-service-1': instance(7002),
      'meshmart/meshmart/services/inventory-service/inventory-service-2': instance(7001, { zone: 'eu-1', version: '0.2.0' }),
    });

    expect(groups).toEqual([
      {
        targets: ['127.0.0.1:7001'],
        labels: {
          __scheme__: 'https',
          namespace: 'meshmart',
          workload: 'inventory-service',
          instance_id: 'inventory-service-2',
          zone: 'eu-1',
          version: '0.2.0',
        },
      },
      {
        targets: ['127.0.0.1:7002'],
        labels: { __scheme__: 'https', namespace: 'shop', workload: 'payment-service', instance_id: 'payment-service-1', zone: 'local', version: '0.1.0' },
      },
    ]);
  });

  it('scrapes a plaintext listener (the public edge) over http', () => {
    const [group] = targetGroupsOf({ 'meshmart/meshmart/services/gateway/gateway-1': instance(8080, { scheme: 'http' }) });
    expect(group?.labels['__scheme__']).toBe('http');
  });

  it('leaves out keys that are not instances and values that hold none', () => {
    expect(
      targetGroupsOf({
        'meshmart/stack/ready': '1700000000',
        'meshmart/meshmart/services/cart-service': instance(7003),
        'meshmart/meshmart/services/cart-service/a/b': instance(7003),
        'meshmart/meshmart/services/cart-service/broken': '{not json',
        'meshmart/meshmart/services/cart-service/no-port': JSON.stringify({ address: '127.0.0.1' }),
        'meshmart/meshmart/services/cart-service/bad-scheme': instance(7004, { scheme: 'ftp' }),
      }),
    ).toEqual([]);
  });
});
