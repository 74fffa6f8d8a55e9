import { describe, expect, it } from 'vitest';
import { loadStackSettings } from './settings';

describe('loadStackSettings', () => {
  it('keeps state in the workspace and uses the default ports', () => {
    const settings = loadStackSettings('/w', {});
    expect(settings.stateDir).toBe('/w/.meshmart');
    expect(settings.ports).toEqual({ kafka: 19092, kafkaController: 19093, etcd: 12379, etcdPeer: 12380, prometheus: 19090, embeddedPostgres: 15432 });
    expect(settings.postgresServerUrl).toBe('postgres://postgres@127.0.0.1:5432/postgres');
  });

  it('builds the Postgres URL from PG* variables, DATABASE_URL first', () => {
    expect(loadStackSettings('/w', { PGHOST: 'db', PGPORT: '6543', PGUSER: 'shop', PGPASSWORD: 'p@ss' }).postgresServerUrl).toBe(
      'postgres://shop:p%40ss@db:6543/postgres',
    );
    expect(loadStackSettings('/w', { DATABASE_URL: 'postgres://a@b:1/c', PGHOST: 'db' }).postgresServerUrl).toBe('postgres://a@b:1/c');
  });

  it('moves ports and the state folder by environment', () => {
    const settings = loadStackSettings('/w', { MESHMART_KAFKA_PORT: '29092', MESHMART_STATE_DIR: '/tmp/s' });
    expect(settings.ports.kafka).toBe(29092);
    expect(settings.stateDir).toBe('/tmp/s');
  });

  it('rejects a port that is not one', () => {
    expect(() => loadStackSettings('/w', { MESHMART_ETCD_PORT: '99999' })).toThrow(/MESHMART_ETCD_PORT/);
    expect(() => loadStackSettings('/w', { MESHMART_PROMETHEUS_PORT: 'abc' })).toThrow(/MESHMART_PROMETHEUS_PORT/);
  });
});
