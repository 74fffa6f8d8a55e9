import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { topics } from '@meshmart/contracts';
import { type RunningConsumer, startEventConsumer } from '@meshmart/messaging';
import { KAFKA } from '@meshmart/persistence';
import { CheckoutSagaRunner } from './checkout-saga.runner';

/**
 * Starts each checkout saga when its `OrderPlaced` event arrives: the order and the event were
 * committed together, so a placed order always gets its saga, even across a crash. Repeated
 * deliveries are harmless: `advance` does nothing for a saga that is running or done.
 */
@Injectable()
export class OrderPlacedKafkaController implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OrderPlacedConsumer');
  private consumer: RunningConsumer | undefined;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(CheckoutSagaRunner) private readonly runner: CheckoutSagaRunner,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await startEventConsumer({
      kafka: this.kafka,
      groupId: 'order-service.checkout-saga',
      topics: [topics.orders],
      handle: async ({ envelope }) => {
        if (envelope.type === 'OrderPlaced') await this.runner.advance(envelope.aggregateId);
      },
      onDeadLetter: (topic, reason) => this.logger.error(`a message of ${topic} went to the dead-letter topic: ${reason}`),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }
}
