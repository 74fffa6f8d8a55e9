import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrdersHttpController } from './orders.http.controller';
import { OrdersService } from './orders.service';

/** Orders as their owners read them (`/users/:userId/orders`); placing one is the checkout's. */
@Module({
  controllers: [OrdersHttpController],
  providers: [{ provide: OrdersService, inject: [DataSource], useFactory: (db: DataSource) => new OrdersService(db) }],
})
export class OrdersModule {}
