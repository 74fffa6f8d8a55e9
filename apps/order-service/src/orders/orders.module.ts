import { Module } from '@nestjs/common';
import { OrdersHttpController } from './orders.http.controller';
import { OrdersService } from './orders.service';

@Module({ controllers: [OrdersHttpController], providers: [OrdersService] })
export class OrdersModule {}
