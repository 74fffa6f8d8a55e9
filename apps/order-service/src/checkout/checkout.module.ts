import { Module } from '@nestjs/common';
import { CheckoutSagaRunner } from './checkout-saga.runner';
import { OrderPlacedKafkaController } from './order-placed.kafka.controller';
import { SagaParticipants } from './saga-participants';
import { SagaSweeper } from './saga-sweeper';

@Module({ controllers: [OrderPlacedKafkaController], providers: [SagaParticipants, CheckoutSagaRunner, SagaSweeper], exports: [CheckoutSagaRunner] })
export class CheckoutModule {}
