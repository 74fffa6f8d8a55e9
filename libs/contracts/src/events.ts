import { z } from 'zod';
import { moneySchema } from './money';
import { orderFailureReasons, pricedLineSchema, userIdSchema } from './orders';
import { orderLineSchema } from './reservations';

/** Kafka topics, versioned: a breaking change to an event makes a new topic, not a new meaning. */
export const topics = {
  orders: 'orders.v1',
  inventory: 'inventory.v1',
  payments: 'payments.v1',
} as const;
export type Topic = (typeof topics)[keyof typeof topics];

/** Where a consumer parks a message it could not process after its retries. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}

/**
 * What every event travels in. `aggregateId` is also the Kafka key, so the events of one
 * order (or payment, or reservation) stay in order on one partition. `traceparent` repeats
 * the W3C header so a stored event still says which trace produced it.
 */
export const eventEnvelopeSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(/^[A-Z][A-Za-z]+$/),
  version: z.number().int().min(1),
  occurredAt: z.iso.datetime(),
  aggregateId: z.string().min(1),
  correlationId: z.string().min(1).optional(),
  causationId: z.string().min(1).optional(),
  traceparent: z.string().optional(),
  data: z.unknown(),
});
export type EventEnvelope<T = unknown> = Omit<z.infer<typeof eventEnvelopeSchema>, 'data'> & { data: T };

const orderRef = { orderId: z.uuid() };

/** The payload schema of each event type, by topic. One source of truth for producers and consumers. */
export const eventSchemas = {
  OrderPlaced: z.object({ ...orderRef, userId: userIdSchema, lines: z.array(pricedLineSchema), total: moneySchema }),
  OrderConfirmed: z.object({ ...orderRef, userId: userIdSchema, total: moneySchema, paymentId: z.uuid() }),
  OrderFailed: z.object({ ...orderRef, userId: userIdSchema, reason: z.enum(orderFailureReasons) }),
  StockReserved: z.object({ ...orderRef, lines: z.array(orderLineSchema), expiresAt: z.iso.datetime() }),
  StockCommitted: z.object({ ...orderRef, lines: z.array(orderLineSchema) }),
  StockReleased: z.object({ ...orderRef, lines: z.array(orderLineSchema), reason: z.enum(['cancelled', 'expired']) }),
  PaymentAuthorized: z.object({ ...orderRef, paymentId: z.uuid(), amount: moneySchema }),
  PaymentDeclined: z.object({ ...orderRef, paymentId: z.uuid(), reason: z.string() }),
  PaymentCaptured: z.object({ ...orderRef, paymentId: z.uuid(), amount: moneySchema }),
  PaymentVoided: z.object({ ...orderRef, paymentId: z.uuid() }),
  PaymentRefunded: z.object({ ...orderRef, paymentId: z.uuid(), amount: moneySchema }),
} as const;
export type EventType = keyof typeof eventSchemas;
export type EventData<T extends EventType> = z.infer<(typeof eventSchemas)[T]>;

/** The topic each event type is published on. */
export const topicOfEvent: Record<EventType, Topic> = {
  OrderPlaced: topics.orders,
  OrderConfirmed: topics.orders,
  OrderFailed: topics.orders,
  StockReserved: topics.inventory,
  StockCommitted: topics.inventory,
  StockReleased: topics.inventory,
  PaymentAuthorized: topics.payments,
  PaymentDeclined: topics.payments,
  PaymentCaptured: topics.payments,
  PaymentVoided: topics.payments,
  PaymentRefunded: topics.payments,
};

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventSchemas, type);
}

/** Validates an event's payload against its type's schema; throws a ZodError naming the fields. */
export function parseEventData<T extends EventType>(type: T, data: unknown): EventData<T> {
  return eventSchemas[type].parse(data) as EventData<T>;
}
