import { Module } from '@nestjs/common';
import { CartsHttpController } from './carts.http.controller';
import { CartsService } from './carts.service';
import { CatalogueClient } from './catalogue.client';
import { OrderFailedKafkaController } from './order-failed.kafka.controller';

@Module({ controllers: [CartsHttpController, OrderFailedKafkaController], providers: [CartsService, CatalogueClient] })
export class CartsModule {}
