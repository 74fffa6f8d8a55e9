import { describe, expect, it } from 'vitest';
import { deadLetterTopic, eventEnvelopeSchema, eventSchemas, isEventType, parseEventData, topicOfEvent, topics } from './events';

describe('events', () => {
  it('publishes every event type on one of the versioned topics', () => {
    for (const type of Object.keys(eventSchemas)) {
      expect(isEventType(type)).toBe(true);
      expect(Object.values(topics)).toContain(topicOfEvent[type as keyof typeof eventSchemas]);
    }
    expect(Object.values(topics).every((topic) => /\.v\d+$/.test(topic))).toBe(true);
    expect(isEventType('toString')).toBe(false);
    expect(deadLetterTopic(topics.orders)).toBe('orders.v1.dlq');
  });

  it('accepts a well-formed envelope and names what is wrong with a bad one', () => {
    const envelope = {
      id: '7a1f1c5e-3e7e-4a0c-8f3b-2d1f6a9b0c11',
      type: 'OrderFailed',
      version: 1,
      occurredAt: '2026-11-25T10:00:00.000Z',
      aggregateId: 'o-1',
      data: {},
    };
    expect(eventEnvelopeSchema.parse(envelope)).toMatchObject({ type: 'OrderFailed' });
    const bad = eventEnvelopeSchema.safeParse({ ...envelope, id: 'x', version: 0 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((issue) => issue.path.join('.'))).toEqual(['id', 'version']);
  });

  it('checks a payload against its type', () => {
    const orderId = '7a1f1c5e-3e7e-4a0c-8f3b-2d1f6a9b0c11';
    expect(parseEventData('OrderFailed', { orderId, userId: 'ada', reason: 'payment_declined' })).toEqual({
      orderId,
      userId: 'ada',
      reason: 'payment_declined',
    });
    expect(() => parseEventData('OrderFailed', { orderId, userId: 'ada', reason: 'bored' })).toThrow(/reason/);
  });
});
