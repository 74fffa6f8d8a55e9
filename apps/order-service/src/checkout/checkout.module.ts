import { Module } from '@nestjs/common';
import { CheckoutSagaRunner } from './checkout-saga.runner';
import { OrderPlacedKafkaController } from './order-placed.kafka.controller';
import { SagaParticipants } from './saga-participants';
import { SagaSweeper } from './saga-sweeper';

@Module({ providers: [SagaParticipants, CheckoutSagaRunner, SagaSweeper, OrderPlacedKafkaController], exports: [CheckoutSagaRunner] })
export class CheckoutModule {}
