import { Controller, Inject } from '@nestjs/common';
import { EventPattern } from '@nestjs/microservices';
import type { ConsumedEvents } from '@meshmart/messaging';
import { CheckoutSagaRunner } from './checkout-saga.runner';

/**
 * Starts each checkout saga when its `OrderPlaced` event arrives: the order and the event were
 * committed together, so a placed order always gets its saga, even across a crash. Repeated
 * deliveries are harmless: `advance` does nothing for a saga that is running or done.
 */
@Controller()
export class OrderPlacedKafkaController {
  constructor(@Inject(CheckoutSagaRunner) private readonly runner: CheckoutSagaRunner) {}

  @EventPattern('OrderPlaced', { group: 'order-service.checkout-saga' })
  async startSaga(event: ConsumedEvents['OrderPlaced']): Promise<void> {
    await this.runner.advance(event.aggregateId);
  }
}
