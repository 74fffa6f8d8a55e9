import { describe, expect, it } from 'vitest';
import { databaseNameOf, persistenceConfigSchema } from './persistence-config';

const required = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres', KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093' };

describe('persistenceConfigSchema', () => {
  it('reads the brokers as a list and leaves the Kafka prefix unset by default', () => {
    const config = persistenceConfigSchema.parse(required);
    expect(config.KAFKA_BROKERS).toEqual(['127.0.0.1:9092', '127.0.0.1:9093']);
    expect(config.KAFKA_PREFIX).toBeUndefined();
    expect(databaseNameOf(config, 'order-service')).toBe('meshmart_order');
  });

  it('takes a Kafka prefix made of what a topic name may hold, and refuses another', () => {
    expect(persistenceConfigSchema.parse({ ...required, KAFKA_PREFIX: 'e2e-3fa1c2.' }).KAFKA_PREFIX).toBe('e2e-3fa1c2.');
    for (const prefix of ['e2e/3fa1.', 'e2e']) {
      const refused = persistenceConfigSchema.safeParse({ ...required, KAFKA_PREFIX: prefix });
      expect(refused.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['KAFKA_PREFIX']);
    }
    const refused = persistenceConfigSchema.safeParse({ ...required, KAFKA_PREFIX: 'e2e/3fa1' });
    expect(refused.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toEqual([
      ['KAFKA_PREFIX', 'letters, digits, ".", "_" and "-", at most 100, ending in "." or "-"'],
    ]);
  });
});
