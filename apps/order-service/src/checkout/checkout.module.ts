import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MeshClient } from '@meshmart/mesh';
import { OutboxRelay, PersistenceStartup } from '@meshmart/persistence';
import { ORDER_CONFIG, type OrderConfig } from '../order-config';
import { CheckoutHttpController } from './checkout.http.controller';
import { CheckoutService } from './checkout.service';
import { CheckoutSagaRunner } from './checkout-saga.runner';
import { OrderPlacedKafkaController } from './order-placed.kafka.controller';
import { SagaParticipants } from './saga-participants';
import { SagaSweeper } from './saga-sweeper';

/**
 * The checkout: placing an order (`POST /orders`, from cart-service) and its saga — the runner, the
 * calls to inventory and payment, and the sweeper and the OrderPlaced consumer that start it too.
 */
@Module({
  controllers: [CheckoutHttpController, OrderPlacedKafkaController],
  providers: [
    { provide: SagaParticipants, inject: [MeshClient], useFactory: (mesh: MeshClient) => new SagaParticipants(mesh) },
    {
      provide: CheckoutSagaRunner,
      inject: [DataSource, OutboxRelay, SagaParticipants, ORDER_CONFIG],
      useFactory: (db: DataSource, relay: OutboxRelay, participants: SagaParticipants, config: OrderConfig) =>
        new CheckoutSagaRunner(db, relay, participants, { reservationTtlSeconds: config.RESERVATION_TTL_SECONDS }),
    },
    {
      provide: CheckoutService,
      inject: [DataSource, OutboxRelay, ORDER_CONFIG, CheckoutSagaRunner],
      useFactory: (db: DataSource, relay: OutboxRelay, config: OrderConfig, sagas: CheckoutSagaRunner) =>
        new CheckoutService(db, relay, { sagaTimeoutMs: config.SAGA_TIMEOUT_MS }, sagas),
    },
    {
      provide: SagaSweeper,
      inject: [CheckoutSagaRunner, ORDER_CONFIG, PersistenceStartup],
      useFactory: (runner: CheckoutSagaRunner, config: OrderConfig, startup: PersistenceStartup) =>
        new SagaSweeper(runner, { intervalMs: config.SAGA_SWEEP_INTERVAL_MS, after: startup.whenDatabaseReady() }),
    },
  ],
})
export class CheckoutModule {}
