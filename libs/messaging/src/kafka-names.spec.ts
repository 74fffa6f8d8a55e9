import { describe, expect, it } from 'vitest';
import { KafkaNames } from './kafka-names';

describe('KafkaNames', () => {
  it('puts the prefix before a name on the broker and takes it off again', () => {
    const names = new KafkaNames('e2e-3fa1c2.');
    expect(names.onBroker('orders.v1')).toBe('e2e-3fa1c2.orders.v1');
    expect(names.asWritten('e2e-3fa1c2.orders.v1')).toBe('orders.v1');
    expect(names.asWritten('orders.v1')).toBe('orders.v1');
  });

  it('leaves names as written without a prefix', () => {
    expect(KafkaNames.unprefixed.onBroker('order-service.checkout-saga')).toBe('order-service.checkout-saga');
    expect(KafkaNames.unprefixed.asWritten('orders.v1')).toBe('orders.v1');
  });

  it('refuses a prefix Kafka would not take in a name', () => {
    expect(() => new KafkaNames('e2e/3fa1')).toThrow('"e2e/3fa1" cannot begin Kafka names');
    expect(() => new KafkaNames('x'.repeat(101))).toThrow(/at most 100/);
  });
});
