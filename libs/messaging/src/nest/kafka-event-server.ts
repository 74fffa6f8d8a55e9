import { Logger } from '@nestjs/common';
import { BaseRpcContext, type CustomTransportStrategy, type MessageHandler, type ReadPacket, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import type { BackgroundConsumer } from '../background-consumer';
import type { ConsumedMessage, EventConsumerOptions } from '../event-consumer';
import { KafkaNames } from '../kafka-names';
import { consumerGroupPlans, type EventRoute, eventRoute, routeKey } from './event-routes';

/** What an `@EventPattern` method may take as its second argument (`@Ctx()`): where the event was read. */
export class KafkaEventContext extends BaseRpcContext<[ConsumedMessage]> {
  getMessage(): ConsumedMessage {
    return this.args[0];
  }
}

/** One consumer group's consumer, as the server asks for it. */
export type EventConsumerSpec = Pick<EventConsumerOptions, 'groupId' | 'topics' | 'handle' | 'onDeadLetter'>;

export interface KafkaEventServerOptions {
  /**
   * Starts one group's consumer without waiting for it (`startEventConsumerInBackground`, or
   * `PersistenceStartup.startEventConsumer`, which also waits for the service's database).
   */
  start: (consumer: EventConsumerSpec) => BackgroundConsumer;
  /** The platform's names on the broker: its groups and topics carry the prefix, routes do not (a `KafkaEventContext` shows the topic as read). Default: none. */
  names?: KafkaNames;
}

/**
 * Nest's transport for MeshMart's events: each `@EventPattern` method is one event type
 * consumed by one consumer group, and this server runs one `startEventConsumer` per group, so
 * every handler gets what that consumer guarantees (inbox-friendly at-least-once delivery,
 * pause and back-off on transient failures, dead-lettering of poison with its reasons, CONSUMER
 * spans continuing the producer's trace, commit after handling, lag metrics).
 *
 * Nest's own `ServerKafka` is not used: it is request/reply shaped (one consumer group for the
 * whole app, commit-or-not by the handler's outcome), has none of the above, and awaits the
 * broker in `listen`, which would hold up the instance's start. Here `listen` only starts the
 * consumers in the background: an instance serves HTTP while they connect and join.
 *
 * Events of a type no handler of the group names are skipped (committed without a call).
 * A handler's error reaches the consumer as thrown (see `connectEventServer`), so it is
 * classified as transient or poison exactly as before.
 */
export class KafkaEventServer extends Server implements CustomTransportStrategy {
  /** Event handler failures go back to the consumer, which retries or dead-letters them. */
  override readonly propagatesEventHandlerErrors = true;
  protected override readonly logger = new Logger('KafkaEventServer');
  private readonly routes: EventRoute[] = [];
  private readonly consumers: BackgroundConsumer[] = [];

  constructor(private readonly options: KafkaEventServerOptions) {
    super();
  }

  /** Called by Nest for each `@EventPattern`/`@MessagePattern` method found in a controller. */
  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, unknown> = {}): void {
    if (!isEventHandler) throw new Error(`@MessagePattern(${JSON.stringify(pattern)}): Kafka events are consumed with @EventPattern, there is no reply`);
    const route = eventRoute(pattern, extras);
    const key = routeKey(route);
    // Nest would chain a second handler behind the first; one per group keeps "handled" meaning one outcome.
    if (this.messageHandlers.has(key)) throw new Error(`two @EventPattern('${route.type}') handlers in consumer group ${route.group}: give each its own group`);
    this.routes.push(route);
    super.addHandler(key, callback, true, extras);
  }

  /** Starts every group's consumer in the background and returns at once. */
  listen(callback: (error?: unknown) => void): void {
    try {
      const names = this.options.names ?? KafkaNames.unprefixed;
      for (const { groupId, topics } of consumerGroupPlans(this.routes)) {
        const group = names.onBroker(groupId);
        this.consumers.push(
          this.options.start({
            groupId: group,
            topics: topics.map((topic) => names.onBroker(topic)),
            handle: (message) => this.dispatch(groupId, names.asWritten(message.topic), message),
            onDeadLetter: (topic, reason) => this.logger.error(`${group}: a message of ${topic} went to the dead-letter topic: ${reason}`),
          }),
        );
      }
    } catch (error) {
      callback(error);
      return;
    }
    callback();
  }

  /** Finishes the messages in hand, commits, and leaves every group. */
  async close(): Promise<void> {
    const consumers = this.consumers.splice(0);
    await Promise.all(consumers.map((consumer) => consumer.stop()));
  }

  /**
   * Awaits the handler's outcome, like `ServerKafka`, so a failure reaches the consumer. Nest's
   * processing hooks are not run: a hook that did not hand back `done`'s promise would make a
   * failed event look handled (and committed); the consumer's own CONSUMER span covers the call.
   */
  override async handleEvent(pattern: string, packet: ReadPacket, context: KafkaEventContext): Promise<void> {
    const handler = this.getHandlerByPattern(pattern);
    if (!handler) return;
    const resultOrStream: unknown = await handler(packet.data, context);
    if (isObservable(resultOrStream)) await lastValueFrom(resultOrStream, { defaultValue: undefined });
  }

  on(): never {
    throw new Error('KafkaEventServer has no events to listen to: readiness follows each consumer group (see startEventConsumerInBackground)');
  }

  unwrap<T>(): T {
    return this.consumers as T;
  }

  /** `groupId` and `topic` as the routes write them; `message` as it was read (its topic on the broker). */
  private async dispatch(groupId: string, topic: string, message: ConsumedMessage): Promise<void> {
    const key = routeKey({ group: groupId, topic, type: message.envelope.type });
    if (!this.messageHandlers.has(key)) return;
    await this.handleEvent(key, { pattern: message.envelope.type, data: message.envelope }, new KafkaEventContext([message]));
  }
}
