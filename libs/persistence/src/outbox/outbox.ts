import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { type EventData, type EventEnvelope, type EventType, parseEventData, topicOfEvent } from '@meshmart/contracts';
import { currentTraceHeaders } from '@meshmart/messaging';

export interface NewEvent<T extends EventType> {
  type: T;
  /** The order, payment or reservation the event is about: the Kafka key, so its events stay in order. */
  aggregateId: string;
  data: EventData<T>;
  correlationId?: string;
  causationId?: string;
  /** Trace headers of the work that wrote the event (W3C `traceparent`); default: the active trace. */
  traceHeaders?: Record<string, string>;
}

/**
 * Appends an event to the outbox inside the caller's transaction: it leaves for Kafka only if
 * (and after) that transaction commits. The payload is checked against its contract here, so
 * a bad event fails the state change that wanted to announce it.
 * @example await db.transaction(async (tx) => { await tx.save(order); await appendToOutbox(tx, { type: 'OrderPlaced', aggregateId: order.id, data }); });
 */
export async function appendToOutbox<T extends EventType>(manager: EntityManager, event: NewEvent<T>): Promise<EventEnvelope<EventData<T>>> {
  const envelope: EventEnvelope<EventData<T>> = {
    id: randomUUID(),
    type: event.type,
    version: 1,
    occurredAt: new Date().toISOString(),
    aggregateId: event.aggregateId,
    data: parseEventData(event.type, event.data),
  };
  if (event.correlationId) envelope.correlationId = event.correlationId;
  if (event.causationId) envelope.causationId = event.causationId;
  const traceHeaders = event.traceHeaders ?? currentTraceHeaders();
  const traceparent = traceHeaders['traceparent'];
  if (traceparent) envelope.traceparent = traceparent;
  await manager.query('INSERT INTO outbox (message_id, topic, key, type, payload, headers) VALUES ($1, $2, $3, $4, $5, $6)', [
    envelope.id,
    topicOfEvent[event.type],
    event.aggregateId,
    event.type,
    JSON.stringify(envelope),
    JSON.stringify(traceHeaders),
  ]);
  return envelope;
}
