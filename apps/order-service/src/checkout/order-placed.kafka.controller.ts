import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { topics } from '@meshmart/contracts';
import type { BackgroundConsumer } from '@meshmart/messaging';
import { PersistenceStartup } from '@meshmart/persistence';
import { CheckoutSagaRunner } from './checkout-saga.runner';

/**
 * Starts each checkout saga when its `OrderPlaced` event arrives: the order and the event were
 * committed together, so a placed order always gets its saga, even across a crash. Repeated
 * deliveries are harmless: `advance` does nothing for a saga that is running or done.
 */
@Injectable()
export class OrderPlacedKafkaController implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OrderPlacedConsumer');
  private consumer: BackgroundConsumer | undefined;

  constructor(
    @Inject(PersistenceStartup) private readonly startup: PersistenceStartup,
    @Inject(CheckoutSagaRunner) private readonly runner: CheckoutSagaRunner,
  ) {}

  // In the background: the instance serves while the consumer waits for the database and joins its group.
  onApplicationBootstrap(): void {
    this.consumer = this.startup.startEventConsumer({
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
