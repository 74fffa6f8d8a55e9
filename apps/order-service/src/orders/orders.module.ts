import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxRelay } from '@meshmart/persistence';
import { CheckoutModule } from '../checkout/checkout.module';
import { CheckoutSagaRunner } from '../checkout/checkout-saga.runner';
import { ORDER_CONFIG, type OrderConfig } from '../order-config';
import { OrdersHttpController } from './orders.http.controller';
import { OrdersService } from './orders.service';

/** Orders (`/orders`, `/users/:userId/orders`): placing one starts its checkout saga. */
@Module({
  imports: [CheckoutModule],
  controllers: [OrdersHttpController],
  providers: [
    {
      provide: OrdersService,
      inject: [DataSource, OutboxRelay, ORDER_CONFIG, CheckoutSagaRunner],
      useFactory: (db: DataSource, relay: OutboxRelay, config: OrderConfig, sagas: CheckoutSagaRunner) => new OrdersService(db, relay, { sagaTimeoutMs: config.SAGA_TIMEOUT_MS }, sagas),
    },
  ],
})
export class OrdersModule {}
