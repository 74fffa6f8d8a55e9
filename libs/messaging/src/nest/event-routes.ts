import { type EventData, type EventEnvelope, type EventType, isEventType, topicOfEvent } from '@meshmart/contracts';

/**
 * The payload an `@EventPattern` method receives for each event type: the envelope, its data
 * already checked against the type's schema (a payload off its schema is dead-lettered before
 * any handler sees it).
 * @example
 * @EventPattern('OrderFailed', { group: 'cart-service.order-outcomes' })
 * async restoreCart(event: ConsumedEvents['OrderFailed']): Promise<void> { … }
 */
export type ConsumedEvents = { [T in EventType]: EventEnvelope<EventData<T>> };

/**
 * The extras of an event handler's `@EventPattern`. `group` is the consumer group (one per
 * service and purpose, e.g. `order-service.checkout-saga`): its name is in dashboards, alerts and
 * the deployment files, so it is written out rather than derived. `topic` defaults to the topic
 * the event type is published on (`topicOfEvent`); tests name a topic of their own.
 */
export interface EventHandlerExtras {
  group: string;
  topic?: string;
}

/** Where one handler's events come from: a consumer group, a topic, an event type. */
export interface EventRoute {
  group: string;
  topic: string;
  type: string;
}

/** One consumer to start: a group and the topics it subscribes to. */
export interface ConsumerGroupPlan {
  groupId: string;
  topics: string[];
}

/** The route of `@EventPattern(pattern, extras)`; throws, naming the pattern, when it cannot be one. */
export function eventRoute(pattern: unknown, extras: Record<string, unknown> | undefined): EventRoute {
  if (typeof pattern !== 'string' || !/^[A-Z][A-Za-z]+$/.test(pattern)) {
    throw new Error(`@EventPattern(${JSON.stringify(pattern)}): the pattern is an event type, such as 'OrderPlaced'`);
  }
  const { group, topic } = extras ?? {};
  if (typeof group !== 'string' || group === '') {
    throw new Error(`@EventPattern('${pattern}') names no consumer group: add { group: '<service>.<purpose>' }`);
  }
  if (topic !== undefined && (typeof topic !== 'string' || topic === '')) {
    throw new Error(`@EventPattern('${pattern}'): topic must be a topic name`);
  }
  if (topic === undefined && !isEventType(pattern)) {
    throw new Error(`@EventPattern('${pattern}'): not an event type of @meshmart/contracts, so its topic must be given`);
  }
  return { group, type: pattern, topic: topic ?? topicOfEvent[pattern as EventType] };
}

/** The key a route's handler is kept under: one handler per event type, topic and group. */
export function routeKey(route: EventRoute): string {
  return `${route.group} ${route.topic} ${route.type}`;
}

/** One consumer per group, subscribed to the topics of its routes, groups and topics in the order first named. */
export function consumerGroupPlans(routes: readonly EventRoute[]): ConsumerGroupPlan[] {
  const plans = new Map<string, ConsumerGroupPlan>();
  for (const { group, topic } of routes) {
    const plan = plans.get(group) ?? { groupId: group, topics: [] };
    if (!plan.topics.includes(topic)) plan.topics.push(topic);
    plans.set(group, plan);
  }
  return [...plans.values()];
}
