import { describe, expect, it } from 'vitest';
import { databaseUrl, type StackEndpoints, stackEndpointsFromEnv, stackEndpointsToEnv } from './stack-endpoints';

const endpoints: StackEndpoints = {
  postgres: { url: 'postgres://postgres:s3cret@127.0.0.1:5432/postgres', mode: 'external' },
  kafka: { brokers: ['127.0.0.1:19092', '127.0.0.1:19094'] },
  etcd: { endpoints: ['http://127.0.0.1:12379'] },
  prometheus: { url: 'http://127.0.0.1:19090', fileSdDir: '/tmp/targets' },
};

describe('stack endpoints', () => {
  it('survive the trip through environment variables', () => {
    expect(stackEndpointsFromEnv(stackEndpointsToEnv(endpoints))).toEqual(endpoints);
  });

  it('are absent unless every variable is set', () => {
    const env: NodeJS.ProcessEnv = stackEndpointsToEnv(endpoints);
    delete env['ETCD_ENDPOINTS'];
    expect(stackEndpointsFromEnv(env)).toBeUndefined();
    expect(stackEndpointsFromEnv({ ...stackEndpointsToEnv(endpoints), KAFKA_BROKERS: '  ' })).toBeUndefined();
  });

  it('name a service database on the same server, credentials kept', () => {
    expect(databaseUrl(endpoints, 'meshmart_order')).toBe('postgres://postgres:s3cret@127.0.0.1:5432/meshmart_order');
  });
});
