import { describe, expect, it } from 'vitest';
import { topics } from '@meshmart/contracts';
import { consumerGroupPlans, eventRoute, routeKey } from './event-routes';

describe('event routes from @EventPattern', () => {
  it('takes the topic an event type is published on, unless one is named', () => {
    expect(eventRoute('OrderFailed', { group: 'cart-service.order-outcomes' })).toEqual({
      group: 'cart-service.order-outcomes',
      topic: topics.orders,
      type: 'OrderFailed',
    });
    expect(eventRoute('PaymentCaptured', { group: 'g' }).topic).toBe(topics.payments);
    expect(eventRoute('OrderFailed', { group: 'g', topic: 'meshmart.test.x' }).topic).toBe('meshmart.test.x');
    // A type contracts does not know can be consumed from a named topic (payload unchecked, as before).
    expect(eventRoute('Probe', { group: 'g', topic: 'meshmart.test.x' })).toEqual({ group: 'g', topic: 'meshmart.test.x', type: 'Probe' });
  });

  it('refuses, saying what to write, a pattern that is not an event type or names no group', () => {
    expect(() => eventRoute({ cmd: 'sum' }, { group: 'g' })).toThrow(`@EventPattern({"cmd":"sum"}): the pattern is an event type, such as 'OrderPlaced'`);
    expect(() => eventRoute('orders.v1', { group: 'g' })).toThrow('the pattern is an event type');
    expect(() => eventRoute('OrderFailed', {})).toThrow(`@EventPattern('OrderFailed') names no consumer group: add { group: '<service>.<purpose>' }`);
    expect(() => eventRoute('OrderFailed', undefined)).toThrow('names no consumer group');
    expect(() => eventRoute('OrderFailed', { group: '' })).toThrow('names no consumer group');
    expect(() => eventRoute('OrderFailed', { group: 'g', topic: 3 })).toThrow('topic must be a topic name');
    expect(() => eventRoute('Probe', { group: 'g' })).toThrow(`@EventPattern('Probe'): not an event type of @meshmart/contracts, so its topic must be given`);
    // `toString` is on every object, not an event type.
    expect(() => eventRoute('ToString', { group: 'g' })).toThrow('not an event type');
  });

  it('keys a handler by group, topic and type, so the same event in two groups is two handlers', () => {
    const a = routeKey(eventRoute('OrderFailed', { group: 'a' }));
    const b = routeKey(eventRoute('OrderFailed', { group: 'b' }));
    const other = routeKey(eventRoute('OrderFailed', { group: 'a', topic: 'meshmart.test.x' }));
    expect(new Set([a, b, other]).size).toBe(3);
  });

  it('plans one consumer per group, subscribed once to each topic its handlers read', () => {
    const routes = [
      eventRoute('OrderPlaced', { group: 'order-service.checkout-saga' }),
      eventRoute('OrderFailed', { group: 'order-service.checkout-saga' }),
      eventRoute('PaymentCaptured', { group: 'order-service.checkout-saga' }),
      eventRoute('OrderFailed', { group: 'order-service.notifications' }),
    ];
    expect(consumerGroupPlans(routes)).toEqual([
      { groupId: 'order-service.checkout-saga', topics: [topics.orders, topics.payments] },
      { groupId: 'order-service.notifications', topics: [topics.orders] },
    ]);
    expect(consumerGroupPlans([])).toEqual([]);
  });
});
